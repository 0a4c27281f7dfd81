using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// An agent's browser against the pages, from a given client address: keeps its cookies itself (so a test can copy
/// one to another browser, as a thief would), follows no redirect, sends the forms' antiforgery token.
/// </summary>
public sealed partial class AgentBrowser
{
    private readonly HttpClient http;

    public AgentBrowser(WebApplicationFactory<Program> app, string ip = "203.0.113.10")
    {
        var handler = app.Server.CreateHandler(ctx => ctx.Connection.RemoteIpAddress = IPAddress.Parse(ip));
        http = new HttpClient(handler) { BaseAddress = app.Server.BaseAddress };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("AbuseTests/1.0");
    }

    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>The session cookie's value, or null.</summary>
    public string? SessionCookie => Cookies.GetValueOrDefault("paraphe");

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (Cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        var response = await http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            foreach (var header in setCookies)
            {
                var pair = header.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..eq].Trim(), pair[(eq + 1)..].Trim());
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) Cookies.Remove(name);
                else Cookies[name] = value;
            }
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    /// <summary>Posts a page's form: reads <paramref name="formPage"/> first for its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields, bool withToken = true)
    {
        var page = await GetAsync(formPage);
        var html = await page.Content.ReadAsStringAsync();
        var form = new Dictionary<string, string>(fields);
        if (withToken)
        {
            var token = TokenInput().Match(html);
            Assert.True(token.Success, $"No antiforgery token on {formPage} ({(int)page.StatusCode}).");
            form["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        }
        return await SendAsync(HttpMethod.Post, action, new FormUrlEncodedContent(form));
    }

    /// <summary>Submits the login form; returns the page's answer (302 on success, 200 with a message otherwise).</summary>
    public Task<HttpResponseMessage> LogInAsync(string email, string password) =>
        PostFormAsync("/login", "/login", new() { ["Email"] = email, ["Password"] = password });

    /// <summary>The agent's procedures page: 200 while the session holds, a redirect to the login otherwise.</summary>
    public async Task<bool> IsSignedInAsync()
    {
        using var response = await GetAsync("/procedures");
        if (response.StatusCode == HttpStatusCode.OK) return true;
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery ?? "", StringComparison.Ordinal);
        return false;
    }

    public Task<HttpResponseMessage> LogOutAsync() => PostFormAsync("/procedures", "/logout", []);

    /// <summary>Another browser, from another address, that holds a copy of this one's cookies.</summary>
    public AgentBrowser CopyTo(AgentBrowser other)
    {
        foreach (var (name, value) in Cookies) other.Cookies[name] = value;
        return other;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();
}
