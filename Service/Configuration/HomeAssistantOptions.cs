namespace ParNetDetect.Service.Configuration;

/// <summary>Home Assistant MQTT discovery (Mqtt:HomeAssistant): entities appear in Home Assistant by themselves.</summary>
public sealed class HomeAssistantOptions
{
    public bool Enabled { get; set; }
    /// <summary>Home Assistant's discovery prefix (its MQTT integration's setting; "homeassistant" unless changed).</summary>
    public string DiscoveryPrefix { get; set; } = "homeassistant";
}
