using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Orch.Dashboard.Security;

/// <summary>
/// What every request must pass. Reads need only come to this server by its own name (a page elsewhere that points its
/// own host name at 127.0.0.1 cannot read the state: DNS rebinding). Actions also need the start-up token in the
/// <see cref="TokenHeader"/> header and, when the browser says where the request came from, this server's own origin.
/// </summary>
internal static class RequestGuard
{
    public const string TokenHeader = "X-Orch-Token";

    public static Func<HttpContext, RequestDelegate, Task> Create(Func<Uri> address, string token)
    {
        var expected = Encoding.UTF8.GetBytes(token);
        return async (http, next) =>
        {
            var self = address();
            var request = http.Request;
            if (!IsOwnHost(request.Host, self))
            {
                await RefuseAsync(http, StatusCodes.Status421MisdirectedRequest, $"this dashboard answers only as 127.0.0.1:{self.Port} or localhost:{self.Port}");
                return;
            }

            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            {
                await next(http);
                return;
            }

            if (request.Headers.Origin is [{ } origin] && !IsOwnOrigin(origin, self))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden, $"requests from {origin} are refused; open the dashboard at {self}");
                return;
            }

            if (request.Headers["Sec-Fetch-Site"] is [{ } site] && site is not ("same-origin" or "none"))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden, $"cross-site requests ({site}) are refused");
                return;
            }

            var given = Encoding.UTF8.GetBytes(request.Headers[TokenHeader].ToString());
            if (!CryptographicOperations.FixedTimeEquals(given, expected))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden,
                    $"the dashboard token is missing or wrong; open the address `dotnet orch ui` printed (it carries ?token=), or send the {TokenHeader} header");
                return;
            }

            await next(http);
        };
    }

    private static bool IsOwnHost(HostString host, Uri self) =>
        host.Port == self.Port && host.Host is "127.0.0.1" or "localhost";

    private static bool IsOwnOrigin(string origin, Uri self) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Port == self.Port && uri.Host is "127.0.0.1" or "localhost";

    private static Task RefuseAsync(HttpContext http, int status, string error)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(new { error });
    }
}
