using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ParNetDetect.Service.Http;

/// <summary>
/// With an API key configured, every route but /healthz needs it, as header X-Api-Key or query api_key (the query
/// form lets an &lt;img&gt; tag open the MJPEG stream). Compared in constant time.
/// </summary>
public static class ApiKeyCheck
{
    public static Func<HttpContext, RequestDelegate, Task> Middleware(string apiKey)
    {
        byte[] expected = Encoding.UTF8.GetBytes(apiKey);
        return (context, next) =>
        {
            if (context.Request.Path == "/healthz") return next(context);
            string? given = context.Request.Headers["X-Api-Key"].FirstOrDefault() ?? context.Request.Query["api_key"].FirstOrDefault();
            if (given != null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return context.Response.WriteAsync("API key required (header X-Api-Key or query api_key).\n");
        };
    }
}
