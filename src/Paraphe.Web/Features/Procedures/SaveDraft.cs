using Paraphe.Data;
using Paraphe.Domain;
using Paraphe.Domain.Documents;
using Paraphe.Domain.Procedures;
using Paraphe.Web.Features.Documents;
using Paraphe.Web.Outbox;

namespace Paraphe.Web.Features.Procedures;

/// <summary>
/// The agent's procedure form as a whole (« Enregistrer le brouillon », « Lancer »): creates a draft, or replaces a draft's
/// document, options and signers, and launches it when asked. Every error of the form comes at once, each once, before
/// anything is written: a form refused saves nothing (no empty draft left behind). When only the launch is refused (a
/// signer's coordinates fail the contact checks) the draft is saved and the refusal returned, to be shown on the form.
/// Creation, signers and launch commit in one transaction.
/// </summary>
public sealed class SaveDraft(ParapheDbContext db, LaunchProcedure launcher, OutboxSignal outbox)
{
    public const string FormRefused = "Le formulaire n'est pas complet : corrigez les champs signalés.";

    /// <param name="LaunchRefused">The launch's refusal (keys `signers[i].email|mobile`) when the draft was saved but not launched.</param>
    public sealed record Result(Procedure Procedure, DomainException? LaunchRefused);

    /// <param name="draftId">the draft to replace, or null for a new one.</param>
    /// <param name="formErrors">what the page already found wrong while reading the form (a place it could not read),
    /// keyed like the request's fields (`signers[1].field`), so that they come with the rest.</param>
    public async Task<Result> HandleAsync(string? draftId, string agencyId, string actor, CreateProcedure.Request r, bool launch,
        IReadOnlyDictionary<string, string[]>? formErrors, CancellationToken ct)
    {
        var draft = draftId is null ? null : await ProcedureMapping.FindAsync(db, draftId, ct);
        draft?.EnsureDraft();
        var errors = new Dictionary<string, string[]>(formErrors ?? new Dictionary<string, string[]>());

        var document = await DocumentAsync(r.DocumentId, errors, ct);
        ProcedureMode? mode = null;
        try { mode = CreateProcedure.ParseMode(r.Mode); }
        catch (DomainException e) { errors["mode"] = [e.Message]; }
        SigningOrder? order = null;
        try { order = CreateProcedure.ParseSigningOrder(r.SigningOrder); }
        catch (DomainException e) { errors["signing_order"] = [e.Message]; }
        // The form shows the whole message: an emptied field removes it. The agent is who prepares it, unless named.
        var agent = draft is null || r.AgentUserId is not null ? await ProcedureAgent.ResolveAsync(db, r.AgentUserId, actor, ct) : null;
        var options = new Procedure.Options(mode ?? ProcedureMode.Remote, r.Otp ?? false, r.ExpiresInDays, r.Reminders?.IntervalDays, r.Reminders?.Max,
            order, r.Message ?? "", agent);
        foreach (var (key, messages) in Procedure.OptionErrors(options)) errors.TryAdd(key, messages);

        var signers = r.Signers ?? [];
        var (snapshots, loaded) = await SignersAsync(signers, document, errors, ct);
        if (launch && signers.Count == 0)
            errors.TryAdd("signers", ["Ajoutez au moins un signataire avant de lancer la procédure."]);
        var launchErrors = launch && mode is { } m && snapshots.All(s => s is not null)
            ? Procedure.LaunchErrors(m, options.Otp, snapshots!)
            : [];
        if (errors.Count > 0)
        {
            foreach (var (key, messages) in launchErrors) errors.TryAdd(key, messages);
            throw new DomainException(ErrorCodes.ValidationFailed, FormRefused, errors);
        }

        var procedure = draft ?? Procedure.Create(agencyId, document!.Id, document.Title, options, actor, db.UtcNow);
        if (draft is null) db.Procedures.Add(procedure);
        else procedure.Update(options, document!.Id, document.Title, actor);
        ReplaceSigners(procedure, signers, snapshots!, actor);

        if (launch && launchErrors.Count > 0)
        {
            await db.SaveChangesAsync(ct);
            return new Result(procedure, new DomainException(ErrorCodes.ValidationFailed, Procedure.LaunchRefused, launchErrors));
        }
        // The document and the signers' contacts were read and checked above, in this scope: the launch uses them.
        if (launch) await launcher.LaunchAsync(procedure, actor, ct, loaded is null ? null : (document!, loaded));
        await db.SaveChangesAsync(ct);
        if (launch) outbox.Notify();
        return new Result(procedure, null);
    }

    private async Task<Document?> DocumentAsync(string? id, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors["document_id"] = ["Choisissez le document à faire signer."];
            return null;
        }
        try
        {
            TextInput.Ensure("document_id", id, TextInput.Id);
            return await UploadDocument.FindAsync(db, id, ct);
        }
        catch (DomainException e)
        {
            errors["document_id"] = [e.Message];
            return null;
        }
    }

    /// <summary>Each signer checked on its own (so that every wrong one is named), with the coordinates its launch would use.</summary>
    /// <returns>each signer's snapshot, and the load of every signer at once when it succeeded (the launch reuses it)</returns>
    private async Task<(SignerSnapshot?[] Snapshots, SignerSnapshots? Loaded)> SignersAsync(IReadOnlyList<CreateProcedure.SignerRequest> signers, Document? document,
        Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var snapshots = new SignerSnapshot?[signers.Count];
        if (signers.Count > CreateProcedure.MaxSigners)
        {
            errors["signers"] = [$"Une procédure a {CreateProcedure.MaxSigners} signataires au plus."];
            return (snapshots, null);
        }
        try
        {
            await CreateProcedure.ValidateSignersAsync(db, signers, document, i => $"signers[{i}]", ct);
        }
        catch (DomainException e)
        {
            foreach (var (key, messages) in e.Errors) errors.TryAdd(key, messages);
        }
        // One load for every signer; when one of them is refused (unknown, no signing authority…), each is loaded
        // alone below so that the error lands on its row.
        SignerSnapshots? all = null;
        try { all = await SignerSnapshots.LoadAsync(db, signers.Select(s => s.ContactId), signers.Select(s => s.UserId), ct); }
        catch (DomainException) { }
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < signers.Count; i++)
        {
            var s = signers[i];
            if ((s.ContactId is null) == (s.UserId is null) || errors.Keys.Any(k => k == $"signers[{i}]" || k.StartsWith($"signers[{i}].", StringComparison.Ordinal)))
                continue;
            var who = s.ContactId is not null ? "contact:" + s.ContactId : "user:" + s.UserId;
            if (seen.TryGetValue(who, out var first))
            {
                errors[$"signers[{i}]"] = [$"Cette personne est déjà signataire n° {first + 1} de la procédure."];
                continue;
            }
            seen[who] = i;
            try
            {
                snapshots[i] = (all ?? await SignerSnapshots.LoadAsync(db, [s.ContactId], [s.UserId], ct)).Of(s.ContactId, s.UserId);
            }
            catch (DomainException e)
            {
                errors[$"signers[{i}]"] = [e.Message];
            }
        }
        return (snapshots, all);
    }

    /// <summary>The form's signers, in its order; a draft whose signers did not change keeps them (and their ids).</summary>
    private static void ReplaceSigners(Procedure procedure, IReadOnlyList<CreateProcedure.SignerRequest> signers,
        SignerSnapshot?[] snapshots, string actor)
    {
        var current = procedure.Signers.OrderBy(s => s.Order).ToList();
        var same = current.Count == signers.Count && current.Zip(signers).All(x =>
            x.First.ContactId == x.Second.ContactId && x.First.UserId == x.Second.UserId
            && x.First.Role == (string.IsNullOrWhiteSpace(x.Second.Role) ? "signataire" : x.Second.Role.Trim())
            && Equals(x.First.Field, CreateProcedure.ToField(x.Second.Field)));
        if (same) return;
        foreach (var s in current) procedure.RemoveSigner(s.Id, actor);
        for (var i = 0; i < signers.Count; i++)
            procedure.AddSigner(signers[i].ContactId, signers[i].UserId, signers[i].Role, CreateProcedure.ToField(signers[i].Field),
                snapshots[i]!, actor);
    }
}
