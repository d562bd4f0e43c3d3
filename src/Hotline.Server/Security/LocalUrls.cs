namespace Hotline.Server.Security;

/// <summary>
/// Where a page may send the browser back to after signing in or switching language: a path on this site only. The
/// test is ASP.NET Core's own for local redirects (<c>/x</c>, not <c>//host</c>, not <c>/\host</c>, no control
/// characters), so <see cref="Results.LocalRedirect"/> never throws on what passes it and an open redirect is impossible.
/// </summary>
public static class LocalUrls
{
    /// <summary>
    /// The path to go back to, percent-encoded for the Location header (a page may carry Chinese in its query, e.g.
    /// /ask?q=工资, and a header takes ASCII only: unencoded it answered 500), or the home page when it is not local.
    /// </summary>
    public static string OrHome(string? url)
    {
        if (!IsLocal(url))
            return "/";
        var uri = new Uri(new Uri("http://local.invalid"), url);
        return uri.Host == "local.invalid" ? uri.PathAndQuery + uri.Fragment : "/";
    }

    public static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
