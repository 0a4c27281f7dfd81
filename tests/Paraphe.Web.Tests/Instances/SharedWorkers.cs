using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Web.Features.Procedures;
using Paraphe.Web.Features.Signing;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Instances;

/// <summary>
/// Two instances sharing the sealing worker and the sweeps: each procedure sealed once, each signer reminded once, each
/// agent warned once; and co-signers signing at the same moment on the two instances are never refused.
/// </summary>
[Collection(TwoInstancesCollection.Name)]
public sealed class SharedWorkers(TwoInstances pair)
{
    [Fact]
    public async Task TwoInstancesSealEachCompletedProcedureOnce()
    {
        var procedures = new List<string>();
        for (var i = 0; i < 10; i++) procedures.Add((await pair.Both[i % 2].Api().CompletedInPersonAsync()).Id);

        var api = pair.First.Api();
        Task<int> UnsealedAsync() => pair.First.DbAsync(db => db.Procedures.IgnoreQueryFilters()
            .CountAsync(p => procedures.Contains(p.Id) && p.SealedAt == null));
        await SharedDispatch.WaitUntilAsync(async () => await UnsealedAsync() == 0,
            async () => $"{await UnsealedAsync()} of {procedures.Count} procedures never sealed");

        foreach (var id in procedures)
        {
            var audit = await api.AuditAsync(id);
            Assert.True(audit.GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken");
            Assert.Single(audit.Arr("events"), e => e.Str("type") == "procedure.sealed");
        }
        var documents = await pair.First.DbAsync(db => db.SealedDocuments.IgnoreQueryFilters()
            .Where(d => procedures.Contains(d.ProcedureId)).GroupBy(d => d.ProcedureId).Select(g => g.Count()).ToListAsync());
        Assert.Equal(procedures.Count, documents.Count);
        Assert.All(documents, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task TwoInstancesSweepingAtOnceRemindEachSignerAndWarnEachAgentOnce()
    {
        var api = pair.First.Api();
        var procedures = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var document = await api.UploadPdfAsync();
            var contacts = new[] { await api.CreateContactAsync(), await api.CreateContactAsync("Marc", "Lefèvre") };
            var draft = await Expect.JsonAsync(await api.CreateProcedureRawAsync(new
            {
                document_id = document.Str("id"), mode = "remote", expires_in_days = 4, reminders = new { interval_days = 2, max = 1 },
                signers = contacts.Select(c => new { contact_id = c.Str("id") }).ToArray(),
            }), HttpStatusCode.Created);
            procedures.Add((await api.LaunchAsync(draft.Str("id"))).Str("id"));
        }

        pair.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromHours(1)); // reminders due, expiry in less than half the validity
        var passes = pair.Both.SelectMany(app => new Func<Task>[]
        {
            () => app.Services.GetRequiredService<ReminderSweep>().SweepAsync(CancellationToken.None),
            () => app.Services.GetRequiredService<ReminderSweep>().SweepAsync(CancellationToken.None),
            () => app.Services.GetRequiredService<ExpirySweep>().WarnAsync(CancellationToken.None),
            () => app.Services.GetRequiredService<ExpirySweep>().WarnAsync(CancellationToken.None),
        });
        await Task.WhenAll(passes.Select(pass => Task.Run(pass)));

        foreach (var id in procedures)
        {
            var audit = await api.AuditAsync(id);
            var types = audit.Arr("events").Select(e => e.Str("type")).ToList();
            Assert.True(audit.GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken");
            Assert.Equal(2, types.Count(t => t == "signer.reminded")); // one per signer
            Assert.Equal(1, types.Count(t => t == "procedure.expiring_soon"));
            var signers = (await api.ProcedureAsync(id)).Signers();
            Assert.All(signers, s => Assert.Equal(1, s.GetProperty("reminders_sent").GetInt32()));
            Assert.All(signers, s => Assert.Equal(2, s.Arr("notifications").Count(n => n.Str("purpose") == "reminder"))); // email + SMS
        }
    }

    [Fact]
    public async Task CoSignersSigningAtTheSameMomentOnTwoInstancesAreNeverRefused()
    {
        const int pairs = 45;
        var procedures = new List<(string Id, string[] Signers)>();
        for (var i = 0; i < pairs; i++)
        {
            var (procedure, _) = await pair.Both[i % 2].Api().LaunchedAsync("remote");
            procedures.Add((procedure.Str("id"), procedure.Signers().Select(s => s.Str("id")).ToArray()));
        }
        var links = pair.First.Services.GetRequiredService<SigningLinks>();
        var clients = pair.Both.Select(app => app.Anonymous()).ToArray();

        // Both signers of each procedure at once, one on each instance; all the procedures at once.
        var answers = await Task.WhenAll(procedures.SelectMany(p => p.Signers.Select((signer, i) => clients[i % 2].PostAsync(
            $"/api/v1/signing/{links.TokenFor(signer)}/sign", JsonContent.Create(new { consent = true, typed_name = "Jeanne Durand" })))));

        var refused = answers.Where(a => a.StatusCode != HttpStatusCode.OK).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {answers.Length} signatures refused: " +
            string.Join(" | ", await Task.WhenAll(refused.Take(3).Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"))));
        var api = pair.Second.Api();
        foreach (var (id, _) in procedures)
        {
            var procedure = await api.ProcedureAsync(id);
            Assert.Equal("completed", procedure.Str("status"));
            Assert.True((await api.AuditAsync(id)).GetProperty("valid").GetBoolean(), $"the audit chain of {id} is broken");
        }
    }
}
