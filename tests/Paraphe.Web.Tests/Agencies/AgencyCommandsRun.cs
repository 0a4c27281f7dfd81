using System.Net;
using System.Net.Http.Headers;
using Paraphe.Web.Features.Agencies;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Agencies;

/// <summary>The operators' commands (`dotnet run --project src/Paraphe.Web -- agencies add …`).</summary>
[Collection(SqliteCollection.Name)]
public sealed class AgencyCommandsRun(SqliteApp app)
{
    private async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await AgencyCommands.RunAsync(app.Services, args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    private static string ValueOf(string output, string key) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(key + ": ", StringComparison.Ordinal))[(key.Length + 2)..];

    private HttpClient ClientWith(string key)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    [Fact]
    public async Task AgenciesAddPrintsAWorkingApiKeyForANewEmptyAgency()
    {
        var (code, output, _) = await RunAsync("agencies", "add", "--name", "Agence du Port", "--director-email", $"d.{Guid.NewGuid():N}@port.fr");

        Assert.Equal(0, code);
        var key = ValueOf(output, "api_key");
        Assert.StartsWith("pk_", key, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(ValueOf(output, "password")));
        using var response = await ClientWith(key).GetAsync("/api/v1/procedures");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"total\":0", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysRotateRevokesTheOldKey()
    {
        var (_, added, _) = await RunAsync("agencies", "add", "--name", "Agence des Quais", "--director-email", $"q.{Guid.NewGuid():N}@quais.fr");
        var oldKey = ValueOf(added, "api_key");

        var (code, rotated, _) = await RunAsync("keys", "rotate", "--agency", ValueOf(added, "agency_id"));

        Assert.Equal(0, code);
        var newKey = ValueOf(rotated, "api_key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await ClientWith(oldKey).GetAsync("/api/v1/contacts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ClientWith(newKey).GetAsync("/api/v1/contacts")).StatusCode);
    }

    [Fact]
    public async Task AMissingOptionPrintsTheUsageAndFails()
    {
        var (code, _, errors) = await RunAsync("agencies", "add", "--name", "Sans directeur");

        Assert.NotEqual(0, code);
        Assert.Contains("--director-email", errors, StringComparison.Ordinal);
    }
}
