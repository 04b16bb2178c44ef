using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orch.Dashboard.Api;

/// <summary>The pages, served from this assembly's resources under a policy that lets them load nothing from elsewhere.</summary>
internal static class AssetEndpoints
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext http) => Serve(http, "index.html"));
        app.MapGet("/runs/{id}", (HttpContext http) => Serve(http, "index.html"));
        app.MapGet("/assets/{name}", (string name, HttpContext http) => Serve(http, name));
    }

    private static IResult Serve(HttpContext http, string name)
    {
        var stream = typeof(AssetEndpoints).Assembly.GetManifestResourceStream("assets/" + name);
        if (stream is null || !Types.TryGetValue(Path.GetExtension(name), out var type))
        {
            stream?.Dispose();
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        // The address carries the token: no page this one links to may learn it.
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return Results.Stream(stream, type);
    }
}
