using System.Net;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// A draft shows its signers' current details, the ones its launch freezes (seen: a draft showing an old address while
/// its launch used the new one). A launched procedure keeps what it froze.
/// </summary>
public abstract class DraftFollowsItsContacts(ParapheApp app)
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task EditingAContactUpdatesTheDraftsItSignsAndNotTheLaunchedProcedures()
    {
        var (draft, contacts) = await api.DraftAsync("remote");
        var (launched, launchedContacts) = await api.LaunchedAsync("remote", signers: 1);
        var newEmail = Api.UniqueEmail("jeanne", "martin");
        var newMobile = Api.UniqueMobile();

        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/contacts/{contacts[0].Str("id")}",
            new { last_name = "Martin", email = newEmail, mobile = newMobile }), HttpStatusCode.OK);
        await Expect.JsonAsync(await api.PatchAsync($"/api/v1/contacts/{launchedContacts[0].Str("id")}",
            new { email = Api.UniqueEmail("autre", "adresse") }), HttpStatusCode.OK);

        var shown = (await api.ProcedureAsync(draft.Str("id"))).Signers()[0];
        Assert.Equal((newEmail, newMobile, "Martin"), (shown.Str("email"), shown.Str("mobile"), shown.Str("last_name")));
        var frozen = (await api.ProcedureAsync(launched.Str("id"))).Signers()[0];
        Assert.Equal(launchedContacts[0].Str("email"), frozen.Str("email"));

        var ongoing = await api.LaunchAsync(draft.Str("id"));
        Assert.Equal(newEmail, ongoing.Signers()[0].Str("email"));
        Assert.Single(await api.WaitForOutboxAsync(newEmail));
    }

    [Fact]
    public async Task ACorrectionMadeByARelaunchReachesTheOtherDraftsOfThatContact()
    {
        var (launched, contacts) = await api.LaunchedAsync("remote", signers: 1);
        var document = await api.UploadPdfAsync();
        var otherDraft = await api.CreateProcedureAsync(document.Str("id"), "remote", contacts[0].Str("id"));
        var corrected = Api.UniqueEmail("jeanne", "corrigee");

        await Expect.JsonAsync(await api.PostAsync($"/api/v1/procedures/{launched.Str("id")}/relaunch", new
        {
            launch = true, signers = new[] { new { signer_id = launched.Signers()[0].Str("id"), email = corrected } },
        }), HttpStatusCode.Created);

        Assert.Equal(corrected, (await api.ProcedureAsync(otherDraft.Str("id"))).Signers()[0].Str("email"));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DraftFollowsItsContactsOnSqlite(SqliteApp app) : DraftFollowsItsContacts(app);

[Collection(PostgresCollection.Name)]
public sealed class DraftFollowsItsContactsOnPostgres(PostgresApp app) : DraftFollowsItsContacts(app);
