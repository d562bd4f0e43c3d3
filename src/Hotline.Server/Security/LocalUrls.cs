namespace Hotline.Server.Security;

/// <summary>
/// Where a page may send the browser back to after signing in or switching language: a path on this site only. The
/// test is ASP.NET Core's own for local redirects (<c>/x</c>, not <c>//host</c>, not <c>/\host</c>, no control
/// characters), so <see cref="Results.LocalRedirect"/> never throws on what passes it and an open redirect is impossible.
/// </summary>
public static class LocalUrls
{
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
