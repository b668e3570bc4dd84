using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ParNetDetect.Service.Cameras;
using ParNetDetect.Service.Configuration;
using ParNetDetect.Service.Events;
using ParNetDetect.Service.Pipeline;

namespace ParNetDetect.Service.Http;

/// <summary>
/// The HTTP surface: / (live page), /healthz (liveness), /readyz (every camera's state; 503 until all are
/// connected), /metrics (Prometheus), /api/cameras, /api/cameras/{id}/latest (JSON), /latest.jpg and
/// /stream.mjpg (annotated, multipart/x-mixed-replace).
/// </summary>
public static class HttpApi
{
    const string Boundary = "frame";

    public static void MapServiceApi(this WebApplication app, HttpOptions options)
    {
        if (!string.IsNullOrEmpty(options.ApiKey)) app.Use(ApiKeyCheck.Middleware(options.ApiKey));
        var cameras = app.Services.GetRequiredService<CameraRegistry>();
        var dispatcher = app.Services.GetRequiredService<EventDispatcher>();
        // Open MJPEG streams end when shutdown starts; otherwise Kestrel would wait the whole shutdown timeout for them.
        var stopping = app.Lifetime.ApplicationStopping;
        string page = LivePage();

        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () =>
        {
            var states = cameras.All.ToDictionary(c => c.Id, c => c.Health.State);
            bool ready = states.Values.All(s => s is CameraState.Connected or CameraState.Ended);
            return Results.Json(new { ready, cameras = states }, EventJson.Options,
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/metrics", () => Results.Text(PrometheusText.Write(cameras.All.Select(c => c.MetricsSnapshot()).ToList(), dispatcher),
            PrometheusText.ContentType));

        var api = app.MapGroup("/api/cameras");
        string shard = cameras.Shard.Shard.ToString();
        api.MapGet("/", () => Results.Json(cameras.All.Select(c => CameraStatus.Of(c, shard)), EventJson.Options));
        api.MapGet("/{id}/latest", (string id) => WithCamera(cameras, id, c =>
            c.Latest is { } report ? Results.Json(report, EventJson.Options) : Results.NoContent()));
        api.MapGet("/{id}/latest.jpg", (string id, CancellationToken ct) => WithCameraAsync(cameras, id, c => LatestJpegAsync(c, ct)));
        api.MapGet("/{id}/stream.mjpg", (string id, HttpContext http) =>
            WithCameraAsync(cameras, id, c => StreamAsync(c, http, options.StreamFps, stopping)));
    }

    static IResult WithCamera(CameraRegistry cameras, string id, Func<CameraRuntime, IResult> action) =>
        cameras.Find(id) is { } c ? action(c) : Results.NotFound(new { error = $"no camera '{id}'" });

    static async Task<IResult> WithCameraAsync(CameraRegistry cameras, string id, Func<CameraRuntime, Task<IResult>> action) =>
        cameras.Find(id) is { } c ? await action(c) : Results.NotFound(new { error = $"no camera '{id}'" });

    static async Task<IResult> LatestJpegAsync(CameraRuntime camera, CancellationToken ct)
    {
        var (jpeg, version) = camera.Feed.Latest();
        if (jpeg == null)
        {
            // Nothing encoded yet because nobody was watching; asking registered interest, so wait for the next frame.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            try { (jpeg, _) = await camera.Feed.NextAsync(version, timeout.Token); }
            catch (OperationCanceledException) { return Results.StatusCode(StatusCodes.Status503ServiceUnavailable); }
        }
        return Results.Bytes(jpeg, "image/jpeg");
    }

    static async Task<IResult> StreamAsync(CameraRuntime camera, HttpContext http, double maxFps, CancellationToken stopping)
    {
        var response = http.Response;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = linked.Token;
        response.ContentType = $"multipart/x-mixed-replace; boundary={Boundary}";
        response.Headers.CacheControl = "no-cache, no-store";
        using var viewer = camera.Feed.Watch();
        var minInterval = TimeSpan.FromSeconds(1 / maxFps);
        long version = 0;
        try
        {
            await response.StartAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                long started = System.Diagnostics.Stopwatch.GetTimestamp();
                (byte[] jpeg, version) = await camera.Feed.NextAsync(version, ct);
                await response.Body.WriteAsync(Encoding.ASCII.GetBytes(
                    $"--{Boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {jpeg.Length}\r\n\r\n"), ct);
                await response.Body.WriteAsync(jpeg, ct);
                await response.Body.WriteAsync("\r\n"u8.ToArray(), ct);
                await response.Body.FlushAsync(ct);
                var rest = minInterval - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                if (rest > TimeSpan.Zero) await Task.Delay(rest, ct);
            }
        }
        catch (OperationCanceledException) { } // the viewer went away, or the service is stopping
        catch (IOException) { }
        return Results.Empty;
    }

    static string LivePage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ParNetDetect.Service.Http.LivePage.html")
            ?? throw new InvalidOperationException("LivePage.html is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
