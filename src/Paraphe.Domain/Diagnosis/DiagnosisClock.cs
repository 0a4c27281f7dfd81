namespace Paraphe.Domain.Diagnosis;

/// <summary>
/// The time as the diagnosis reads it, and until when what it read still holds (issue 12: the list caches built items).
/// Every use of the time in the diagnosis goes through here — « il y a 3 h », « dans 12 min », « remis depuis plus de
/// 24 h » — and each records the next instant at which its answer would read differently with time alone.
/// <see cref="HoldsUntil"/> is the earliest of them: at any instant in [<see cref="Now"/>, <see cref="HoldsUntil"/>)
/// the diagnosis of the same facts is the same. It may be earlier than the real change (never later).
/// </summary>
public sealed class DiagnosisClock(DateTime now)
{
    public DateTime Now { get; } = now;

    /// <summary>The first instant at which a finding read so far could read differently; <see cref="DateTime.MaxValue"/>
    /// when none depends on the time.</summary>
    public DateTime HoldsUntil { get; private set; } = DateTime.MaxValue;

    /// <summary>« 12 min », « 26 h », « 3 jours » since <paramref name="since"/> (<see cref="SignerDiagnosis.Ago"/>).</summary>
    public string Ago(DateTime since)
    {
        var d = Now - since;
        ChangesAt(Plus(since, Step(d < TimeSpan.Zero ? TimeSpan.Zero : d, up: true)));
        return SignerDiagnosis.Ago(d);
    }

    /// <summary>« dans 12 min », « dans un instant » until <paramref name="at"/>.</summary>
    public string In(DateTime at)
    {
        var d = at - Now;
        // The words change once the time left drops below the whole number of units they show (one tick after); below
        // a minute, when none is left (« dans un instant »).
        if (d > TimeSpan.Zero && Step(d, up: false) is var shown)
            ChangesAt(shown == TimeSpan.Zero ? at : at - shown + TimeSpan.FromTicks(1));
        return SignerDiagnosis.In(d);
    }

    /// <summary>Whether at least <paramref name="after"/> has passed since <paramref name="since"/>; false until that
    /// instant, true from it on.</summary>
    public bool AtLeast(DateTime since, TimeSpan after)
    {
        if (Now - since >= after) return true;
        ChangesAt(Plus(since, after));
        return false;
    }

    private static DateTime Plus(DateTime t, TimeSpan d) => t > DateTime.MaxValue - d ? DateTime.MaxValue : t + d;

    private void ChangesAt(DateTime at)
    {
        if (at > Now && at < HoldsUntil) HoldsUntil = at;
    }

    /// <summary>The duration <see cref="SignerDiagnosis.Ago"/> shows for <paramref name="d"/>, rounded down to its unit
    /// (<paramref name="up"/>: the next whole unit, where the words change as <paramref name="d"/> grows).</summary>
    private static TimeSpan Step(TimeSpan d, bool up)
    {
        var extra = up ? 1 : 0;
        if (d.TotalMinutes < 1) return up ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
        if (d.TotalHours < 1) return TimeSpan.FromMinutes((int)d.TotalMinutes + extra);
        if (d.TotalHours < 48) return TimeSpan.FromHours((int)d.TotalHours + extra);
        return TimeSpan.FromDays((int)d.TotalDays + extra);
    }
}
