using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Platform;

public abstract class IdempotentPosts(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task TheSameKeyAndBodyReplayTheFirstAnswerAndCreateOneContact()
    {
        var key = Guid.NewGuid().ToString();
        var lastName = $"Idem{Guid.NewGuid():N}"[..16];
        var body = new { first_name = "Lucie", last_name = lastName, email = Api.UniqueEmail("lucie", "idem"), mobile = Api.UniqueMobile() };

        var first = await api.PostAsync("/api/v1/contacts", body, key);
        var second = await api.PostAsync("/api/v1/contacts", body, key);

        var a = await Expect.JsonAsync(first, HttpStatusCode.Created);
        var b = await Expect.JsonAsync(second, HttpStatusCode.Created);
        Assert.Equal(a.Str("id"), b.Str("id"));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var list = await Expect.JsonAsync(await api.GetAsync($"/api/v1/contacts?q={lastName}"), HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TheSameKeyAndBodyCreateOneProcedure()
    {
        var document = await api.UploadPdfAsync($"Idempotence {Guid.NewGuid():N}"[..24]);
        var contact = await api.CreateContactAsync();
        var key = Guid.NewGuid().ToString();
        var body = new { document_id = document.Str("id"), mode = "remote", signers = new[] { new { contact_id = contact.Str("id") } } };

        var a = await Expect.JsonAsync(await api.PostAsync("/api/v1/procedures", body, key), HttpStatusCode.Created);
        var b = await Expect.JsonAsync(await api.PostAsync("/api/v1/procedures", body, key), HttpStatusCode.Created);

        Assert.Equal(a.Str("id"), b.Str("id"));
        var list = await Expect.JsonAsync(await api.GetAsync($"/api/v1/procedures?q={Uri.EscapeDataString(document.Str("title"))}"), HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIsRefused()
    {
        var key = Guid.NewGuid().ToString();
        await Expect.JsonAsync(await api.PostAsync("/api/v1/contacts", new { first_name = "Lucie", last_name = "Premier" }, key), HttpStatusCode.Created);

        await Expect.ProblemAsync(await api.PostAsync("/api/v1/contacts", new { first_name = "Lucie", last_name = "Second" }, key),
            HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task ARefusedRequestRetriedWithTheSameKeyIsNotStuckInProgress()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { document_id = "doc_unknown", mode = "remote" };

        await Expect.ProblemAsync(await api.PostAsync("/api/v1/procedures", body, key), HttpStatusCode.NotFound, "not_found");
        await Expect.ProblemAsync(await api.PostAsync("/api/v1/procedures", body, key), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task KeysAreScopedToTheAgency()
    {
        var (_, other) = await app.CreateAgencyAsync("Agence Idempotence");
        var key = Guid.NewGuid().ToString();
        var body = new { first_name = "Lucie", last_name = "Partagée" };

        var mine = await Expect.JsonAsync(await api.PostAsync("/api/v1/contacts", body, key), HttpStatusCode.Created);
        var theirs = await Expect.JsonAsync(await other.PostAsync("/api/v1/contacts", body, key), HttpStatusCode.Created);

        Assert.NotEqual(mine.Str("id"), theirs.Str("id"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class IdempotentPostsOnSqlite(SqliteApp app) : IdempotentPosts(app);

[Collection(PostgresCollection.Name)]
public sealed class IdempotentPostsOnPostgres(PostgresApp app) : IdempotentPosts(app);
