using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Events;

/// <summary>A message for the MQTT sink to publish retained (QoS 1).</summary>
public readonly record struct RetainedMessage(string Topic, byte[] Payload, string ContentType);

/// <summary>
/// Home Assistant's MQTT discovery for every camera of this instance: per label (the camera's Classes, else every class of the model),
/// for the whole frame and for each zone, an occupancy binary sensor and a count sensor, both reading one retained
/// count topic ({prefix}/{camera}/objects/{label}, {prefix}/{camera}/zones/{zone}/{label}); and the latest event
/// snapshot as an MQTT camera ({prefix}/{camera}/snapshot). Configs, counts and the snapshot are retained and sent
/// again on every (re)connect, and every entity follows the status topic ({prefix}/status, or the instance's own
/// under shards), so Home Assistant is right after either
/// side restarts. Counts follow the event stream: an object counts from "new" until "gone" (or "end"), in the zones
/// it entered and has not left. Used from the dispatcher's thread, except <see cref="OfferSnapshot"/>.
/// </summary>
public sealed class HomeAssistantDiscovery
{
    readonly MqttOptions _mqtt;
    readonly List<CameraEntities> _cameras;
    readonly Dictionary<string, byte[]> _snapshots = new(); // newest per camera, not yet published
    readonly Dictionary<string, byte[]> _lastSnapshot = new(); // sent again on reconnect

    public HomeAssistantDiscovery(MqttOptions mqtt, IEnumerable<CameraOptions> cameras, IReadOnlyList<string> classNames)
    {
        _mqtt = mqtt;
        _cameras = cameras.Select(c => new CameraEntities(c.Id,
            c.Classes.Count == 0 ? classNames : c.Classes.Select(n => classNames.First(k => k.Equals(n, StringComparison.OrdinalIgnoreCase))).Distinct().ToList(),
            c.Zones.Select(z => z.Name).ToList())).ToList();
    }

    /// <summary>Every entity's discovery config.</summary>
    public IEnumerable<RetainedMessage> Configs()
    {
        string prefix = _mqtt.HomeAssistant.DiscoveryPrefix, node = Slug(_mqtt.TopicPrefix);
        foreach (var camera in _cameras)
        {
            var device = new JsonObject
            {
                ["identifiers"] = new JsonArray($"{node}_{Slug(camera.Id)}"),
                ["name"] = camera.Id,
                ["manufacturer"] = "ParNet Detect",
                ["model"] = "camera",
            };
            string nodeId = $"{node}_{Slug(camera.Id)}";
            foreach (var (zone, label) in camera.Scopes())
            {
                string where = zone == null ? "" : $"{zone} ", id = $"{nodeId}_{(zone == null ? "all" : "zone_" + Slug(zone))}_{Slug(label)}";
                string state = CountTopic(camera.Id, zone, label);
                yield return Json($"{prefix}/binary_sensor/{nodeId}/{id}_occupancy/config", Entity(device, $"{where}{label} occupancy", $"{id}_occupancy", state,
                    ("device_class", "occupancy"), ("value_template", "{{ 'ON' if value | int > 0 else 'OFF' }}")));
                yield return Json($"{prefix}/sensor/{nodeId}/{id}_count/config", Entity(device, $"{where}{label} count", $"{id}_count", state,
                    ("state_class", "measurement"), ("unit_of_measurement", "objects")));
            }
            var snapshot = Entity(device, "latest event", $"{nodeId}_snapshot", null);
            snapshot["topic"] = SnapshotTopic(camera.Id);
            yield return Json($"{prefix}/camera/{nodeId}/snapshot/config", snapshot);
        }
    }

    /// <summary>Every count, and the last snapshot of each camera (after a reconnect: the broker may have restarted).</summary>
    public IEnumerable<RetainedMessage> States()
    {
        foreach (var camera in _cameras)
            foreach (var (zone, label) in camera.Scopes())
                yield return Count(camera, zone, label, camera.Published[(zone, label)] = camera.CountOf(zone, label));
        lock (_snapshots)
            foreach (var (camera, jpeg) in _lastSnapshot)
                yield return new RetainedMessage(SnapshotTopic(camera), jpeg, "image/jpeg");
    }

    /// <summary>The counts that <paramref name="e"/> changed.</summary>
    public IEnumerable<RetainedMessage> Changes(ObjectEvent e)
    {
        if (_cameras.Find(c => c.Id == e.CameraId) is not { } camera) return [];
        if (e.Type is "gone" or "end") camera.Objects.Remove(e.ObjectId);
        else
        {
            if (!camera.Objects.TryGetValue(e.ObjectId, out var o)) camera.Objects[e.ObjectId] = o = (e.Label, new HashSet<string>());
            o.Zones.Clear();
            o.Zones.UnionWith(e.Zones);
        }
        var changed = new List<RetainedMessage>();
        foreach (var (zone, label) in camera.Scopes())
        {
            int count = camera.CountOf(zone, label);
            if (camera.Published.GetValueOrDefault((zone, label), -1) == count) continue;
            camera.Published[(zone, label)] = count;
            changed.Add(Count(camera, zone, label, count));
        }
        return changed;
    }

    /// <summary>A camera's newest annotated event snapshot (from the history writer's thread).</summary>
    public void OfferSnapshot(string camera, byte[] jpeg)
    {
        lock (_snapshots) _snapshots[camera] = jpeg;
    }

    /// <summary>Snapshots offered since the last call, newest per camera.</summary>
    public IReadOnlyList<RetainedMessage> TakeSnapshots()
    {
        lock (_snapshots)
        {
            var messages = _snapshots.Select(s => new RetainedMessage(SnapshotTopic(s.Key), s.Value, "image/jpeg")).ToList();
            foreach (var (camera, jpeg) in _snapshots) _lastSnapshot[camera] = jpeg;
            _snapshots.Clear();
            return messages;
        }
    }

    public string CountTopic(string camera, string? zone, string label) =>
        zone == null ? $"{_mqtt.TopicPrefix}/{camera}/objects/{Slug(label)}" : $"{_mqtt.TopicPrefix}/{camera}/zones/{Slug(zone)}/{Slug(label)}";

    public string SnapshotTopic(string camera) => $"{_mqtt.TopicPrefix}/{camera}/snapshot";

    RetainedMessage Count(CameraEntities camera, string? zone, string label, int count) =>
        new(CountTopic(camera.Id, zone, label), Encoding.ASCII.GetBytes(count.ToString(System.Globalization.CultureInfo.InvariantCulture)), "text/plain");

    JsonObject Entity(JsonObject device, string name, string uniqueId, string? stateTopic, params (string Key, string Value)[] extra)
    {
        var o = new JsonObject
        {
            ["name"] = name,
            ["unique_id"] = uniqueId,
            ["availability_topic"] = MqttEventSink.StatusTopicOf(_mqtt),
            ["payload_available"] = "online",
            ["payload_not_available"] = "offline",
            ["device"] = device.DeepClone(),
        };
        if (stateTopic != null) o["state_topic"] = stateTopic;
        foreach (var (key, value) in extra) o[key] = value;
        return o;
    }

    static RetainedMessage Json(string topic, JsonObject payload) =>
        new(topic, JsonSerializer.SerializeToUtf8Bytes(payload), "application/json");

    /// <summary>Topic levels and Home Assistant ids take [a-z0-9_] only; zone and class names may hold anything.</summary>
    static string Slug(string name) =>
        new(name.Trim().ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());

    sealed class CameraEntities(string id, IReadOnlyList<string> labels, IReadOnlyList<string> zones)
    {
        public string Id { get; } = id;
        public Dictionary<long, (string Label, HashSet<string> Zones)> Objects { get; } = new();
        public Dictionary<(string? Zone, string Label), int> Published { get; } = new();

        /// <summary>(null, label) for the whole frame, then (zone, label) for each zone.</summary>
        public IEnumerable<(string? Zone, string Label)> Scopes() =>
            labels.Select(l => ((string?)null, l)).Concat(zones.SelectMany(z => labels.Select(l => ((string?)z, l))));

        public int CountOf(string? zone, string label) =>
            Objects.Values.Count(o => o.Label == label && (zone == null || o.Zones.Contains(zone)));
    }
}
