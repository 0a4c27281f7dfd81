using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Paraphe.Data;
using Paraphe.Testing;

namespace Paraphe.Browser.Tests;

/// <summary>
/// Issue 9: a seal that fails again and again ends « Scellement en échec » on the status page, with the reason in
/// French; once the cause is gone, « Relancer le scellement » makes the signed document without reloading by hand.
/// </summary>
public sealed class AgentRetriesAFailedSeal(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(45);
    private readonly DemoApi _api = new(app);

    [Fact]
    public async Task TheAgentSeesTheFailedSealAndRetriesIt()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var first = await _api.ContactAsync("Lucie", "Moreau", $"lucie.{tag}@example.fr", "06 12 34 56 21");
        var second = await _api.ContactAsync("Karim", "Benali", $"karim.{tag}@example.fr", "06 12 34 56 22");
        var id = await _api.LaunchedInPersonAsync(await _api.DocumentAsync("Mandat 3 rue des Tanneurs"), false, first, second);
        var signers = (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{id}")).GetProperty("signers").EnumerateArray()
            .Select(s => (Id: s.GetProperty("id").GetString()!, Name: $"{s.GetProperty("first_name").GetString()} {s.GetProperty("last_name").GetString()}"))
            .ToArray();

        // Lucie draws; her stored drawing is then damaged, as one stored before the checks could be.
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/signers/{signers[0].Id}/sign-in-person", new
        {
            consent = true, confirmed_name = signers[0].Name, signature_image = "data:image/png;base64," + Convert.ToBase64String(SamplePdfs.NotAPdf()),
        });
        var drawing = await DbAsync(db => db.Database.SqlQuery<string>(
            $"SELECT \"SignatureImage\" AS \"Value\" FROM signers WHERE \"Id\" = {signers[0].Id}").SingleAsync());
        const string damaged = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB";
        await DbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE signers SET \"SignatureImage\" = {damaged} WHERE \"Id\" = {signers[0].Id}"));
        // Stored before the checks, so without the form prepared at signing (issue 12): the sealer reads the PNG.
        await DbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM signature_forms WHERE \"SignerId\" = {signers[0].Id}"));
        await _api.SendAsync(HttpMethod.Post, $"/api/v1/procedures/{id}/signers/{signers[1].Id}/sign-in-person",
            new { consent = true, confirmed_name = signers[1].Name, typed_name = signers[1].Name });

        // The first attempt fails at once; as if it had failed up to the last attempt but one, the next is the last.
        await UntilAsync(async () => await DbAsync(db => db.SealingJobs.AnyAsync(j => j.ProcedureId == id && j.LastError != null)),
            "the first sealing attempt never failed");
        await DbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE sealing_jobs SET \"Attempts\" = 4, \"NextAttemptAt\" = {DateTime.UtcNow.AddSeconds(-1)}, \"Version\" = \"Version\" + 1 WHERE \"ProcedureId\" = {id}"));

        await using var desk = await app.AgentContextAsync();
        var agent = await desk.NewPageAsync();
        await Gestures.LogInAsync(agent);
        await agent.GotoAsync($"/procedures/{id}");
        await Assertions.Expect(agent.GetByTestId("sealing-failed-badge")).ToHaveTextAsync("Scellement en échec",
            new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(agent.GetByTestId("sealing-failed-reason")).ToContainTextAsync("La signature dessinée de Lucie Moreau");
        await Assertions.Expect(agent.GetByTestId("sealed-badge")).ToHaveCountAsync(0);
        var state = await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{id}");
        Assert.Equal("failed", state.GetProperty("sealing").GetProperty("status").GetString());
        Assert.Equal(5, state.GetProperty("sealing").GetProperty("attempts").GetInt32());
        // A seal given up needs the agent: « À corriger » in the list and its filter.
        Assert.True(state.GetProperty("needs_attention").GetBoolean());
        var toFix = await _api.SendAsync(HttpMethod.Get, "/api/v1/procedures?needs_attention=true&page_size=100");
        Assert.Contains(id, toFix.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await BrowserApp.ScreenshotAsync(agent, "status-sealing-failed");

        // The cause is repaired (support restored the drawing); the agent retries.
        await DbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE signers SET \"SignatureImage\" = {drawing} WHERE \"Id\" = {signers[0].Id}"));
        await agent.GetByTestId("sealing-retry").ClickAsync();
        await Assertions.Expect(agent.GetByTestId("flash")).ToContainTextAsync("Scellement relancé");
        await Assertions.Expect(agent.GetByTestId("sealed-badge")).ToHaveTextAsync("Signé et certifié", new() { Timeout = (float)Wait.TotalMilliseconds });
        await Assertions.Expect(agent.GetByTestId("sealing-failed")).ToHaveCountAsync(0);
        await BrowserApp.ScreenshotAsync(agent, "status-sealing-retried");
        var audit = (await _api.SendAsync(HttpMethod.Get, $"/api/v1/procedures/{id}/audit")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(["procedure.sealing_failed", "procedure.sealing_retried", "procedure.sealed"],
            audit.Where(t => t!.StartsWith("procedure.seal", StringComparison.Ordinal)).ToList());
    }

    private async Task<T> DbAsync<T>(Func<ParapheDbContext, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ParapheDbContext>());
    }

    private static async Task UntilAsync(Func<Task<bool>> done, string missing)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            if (watch.Elapsed > Wait) throw new Xunit.Sdk.XunitException($"After {Wait.TotalSeconds} s: {missing}.");
            await Task.Delay(100);
        }
    }
}
