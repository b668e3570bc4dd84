using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;
using ParNetDetect.Service.Configuration;

namespace ParNetDetect.Service.Events;

/// <summary>
/// Publishes to an MQTT broker: object events on {prefix}/{camera}/events (QoS 1), frame reports on
/// {prefix}/{camera}/detections (QoS 0), and "online"/"offline" retained on {prefix}/status, "offline" doubling as
/// the last will so subscribers see a crash. While the broker is unreachable, messages are dropped (counted) and
/// a reconnect is tried at most every few seconds; detection never waits on the network.
/// </summary>
public sealed class MqttEventSink(MqttOptions options, ILogger<MqttEventSink> logger) : IEventSink
{
    static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    long _lastAttempt;
    bool _wasConnected;

    public string Name => "mqtt";
    public long Dropped { get; private set; }
    public string StatusTopic => string.IsNullOrEmpty(options.StatusTopic) ? $"{options.TopicPrefix}/status" : options.StatusTopic;

    public async Task StartAsync(CancellationToken ct) => await TryConnectAsync(ct);

    async Task<bool> TryConnectAsync(CancellationToken ct)
    {
        if (_client.IsConnected) return true;
        if (_lastAttempt != 0 && Stopwatch.GetElapsedTime(_lastAttempt) < RetryEvery) return false;
        _lastAttempt = Stopwatch.GetTimestamp();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(options.ClientId)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .WithWillTopic(StatusTopic)
            .WithWillPayload("offline"u8.ToArray())
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (!string.IsNullOrEmpty(options.Username)) builder.WithCredentials(options.Username, options.Password);
        try
        {
            await _client.ConnectAsync(builder.Build(), ct);
            await PublishAsync(StatusTopic, "online"u8.ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true, ct);
            logger.LogInformation("MQTT connected to {Host}:{Port}", options.Host, options.Port);
            _wasConnected = true;
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (_wasConnected || _lastAttempt != 0)
                logger.LogWarning("MQTT broker {Host}:{Port} unreachable: {Error}; retrying every {Seconds} s",
                    options.Host, options.Port, e.Message, RetryEvery.TotalSeconds);
            _wasConnected = false;
            return false;
        }
    }

    public Task WriteEventAsync(ObjectEvent e, CancellationToken ct) =>
        SendAsync($"{options.TopicPrefix}/{e.CameraId}/events", EventJson.Serialize(e), MqttQualityOfServiceLevel.AtLeastOnce, ct);

    public Task WriteReportAsync(FrameReport report, CancellationToken ct) =>
        options.PublishDetections
            ? SendAsync($"{options.TopicPrefix}/{report.CameraId}/detections", EventJson.Serialize(report), MqttQualityOfServiceLevel.AtMostOnce, ct)
            : Task.CompletedTask;

    async Task SendAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken ct)
    {
        if (!await TryConnectAsync(ct)) { Dropped++; return; }
        try
        {
            await PublishAsync(topic, payload, qos, retain: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Dropped++;
            logger.LogWarning("MQTT publish to {Topic} failed: {Error}", topic, e.Message);
        }
    }

    Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken ct) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .WithContentType("application/json")
            .Build(), ct);

    public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                // A clean disconnect suppresses the will, so say "offline" ourselves.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await PublishAsync(StatusTopic, "offline"u8.ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true, timeout.Token);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogWarning("MQTT disconnect was not clean: {Error}", e.Message);
            }
        }
        _client.Dispose();
    }
}
