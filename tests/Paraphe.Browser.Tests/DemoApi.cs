using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Paraphe.Testing;

namespace Paraphe.Browser.Tests;

/// <summary>Sets up data through the public API, so browser tests start where they mean to.</summary>
public sealed class DemoApi(BrowserApp app)
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(app.BaseUrl) };

    private HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null)
    {
        var r = new HttpRequestMessage(method, path) { Content = content };
        r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BrowserApp.ApiKey);
        return r;
    }

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await _http.SendAsync(Request(method, path, body is null ? null : JsonContent.Create(body)));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} → {(int)response.StatusCode}: {json}");
        return json;
    }

    public async Task<string> ContactAsync(string first, string last, string email, string mobile) =>
        (await SendAsync(HttpMethod.Post, "/api/v1/contacts", new { first_name = first, last_name = last, email, mobile }))
        .GetProperty("id").GetString()!;

    public async Task<string> DocumentAsync(string title, int pages = 2)
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SamplePdfs.Valid(pages, title)) { Headers = { ContentType = new("application/pdf") } }, "file", "contrat.pdf" },
            { new StringContent(title), "title" },
        };
        using var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/v1/documents", form));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, json.ToString());
        return json.GetProperty("id").GetString()!;
    }

    /// <summary>A launched remote procedure; returns its id.</summary>
    public async Task<string> LaunchedRemoteAsync(string documentId, params string[] contactIds)
    {
        var p = await SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = documentId, mode = "remote",
            signers = contactIds.Select(c => new { contact_id = c, role = "acquéreur" }).ToArray(),
        });
        var id = p.GetProperty("id").GetString()!;
        await SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        return id;
    }

    /// <summary>A launched remote procedure whose signers type a code received by SMS; returns its id.</summary>
    public async Task<string> LaunchedRemoteWithCodeAsync(string documentId, string contactId)
    {
        var p = await SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = documentId, mode = "remote", otp = true,
            signers = new[] { new { contact_id = contactId, role = "acquéreur" } },
        });
        var id = p.GetProperty("id").GetString()!;
        await SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        return id;
    }

    /// <summary>A launched face-to-face procedure (signers in this order), with or without a code by SMS; returns its id.</summary>
    public async Task<string> LaunchedInPersonAsync(string documentId, bool otp, params string[] contactIds)
    {
        var p = await SendAsync(HttpMethod.Post, "/api/v1/procedures", new
        {
            document_id = documentId, mode = "in_person", otp,
            signers = contactIds.Select((c, i) => new { contact_id = c, role = i == 0 ? "vendeur" : "acquéreur" }).ToArray(),
        });
        var id = p.GetProperty("id").GetString()!;
        await SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/launch");
        return id;
    }

    /// <summary>The sealed PDF of a procedure.</summary>
    public async Task<byte[]> SignedDocumentAsync(string procedureId)
    {
        using var response = await _http.SendAsync(Request(HttpMethod.Get, $"/api/v1/procedures/{procedureId}/signed-document"));
        Assert.True(response.IsSuccessStatusCode, $"signed-document → {(int)response.StatusCode}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The digits of the newest signing-code SMS to this E.164 mobile (waits for the dispatcher).</summary>
    public async Task<string> SigningCodeForAsync(string mobile)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var outbox = await SendAsync(HttpMethod.Get, $"/api/v1/dev/outbox?to={Uri.EscapeDataString(mobile)}");
            foreach (var m in outbox.EnumerateArray())
                if (System.Text.RegularExpressions.Regex.Match(m.GetProperty("body").GetString() ?? "", "code de signature Paraphe est ([0-9]{6})")
                    is { Success: true } match) return match.Groups[1].Value;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No signing code reached the dev outbox for {mobile}.");
    }

    /// <summary>The personal link sent to this address, as the dev outbox shows it (waits for the dispatcher).</summary>
    public async Task<string> SigningLinkForAsync(string email)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var outbox = await SendAsync(HttpMethod.Get, $"/api/v1/dev/outbox?to={Uri.EscapeDataString(email)}");
            foreach (var m in outbox.EnumerateArray())
                foreach (var link in m.GetProperty("links").EnumerateArray())
                    if (link.GetString() is { } l && l.Contains("/sign/")) return l;
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"No signing link reached the dev outbox for {email}.");
    }
}
