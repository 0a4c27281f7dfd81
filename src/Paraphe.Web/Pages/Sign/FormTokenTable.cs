namespace Paraphe.Web.Pages.Sign;

/// <summary>
/// Issue 12 (page8): where <see cref="SignerFormTokens"/> keeps a request token per antiforgery cookie. A fixed table of
/// <c>capacity</c> slots in sets of <see cref="Ways"/>: a cookie's set is chosen by its string hash (randomized per
/// process, so nobody can aim cookies at one set), looked up and written in that set alone. Keeping a token costs one
/// small object and no lock; when the set is full the entry used least recently in it is replaced. The bound holds by
/// construction — nothing ever grows, nothing scans the whole table — where page7's size-limited <c>MemoryCache</c>
/// walked and sorted its 10,000 entries in a compaction each time it filled (every 2,000 new cookies once full). An entry
/// lives <c>lifetime</c> from when it was kept, used or not. Concurrent writers to one set may replace each other's
/// entry: that token is then issued again by antiforgery on the cookie's next visit, never given to another cookie.
/// </summary>
internal sealed class FormTokenTable
{
    /// <summary>Entries per set: a cookie competes for room with the few others of its set only.</summary>
    public const int Ways = 4;

    private readonly Entry?[] _slots;
    private readonly uint _sets;
    private readonly long _lifetime;
    private readonly TimeProvider _time;

    /// <param name="time">Its monotonic timestamps time the entries (<see cref="TimeProvider.GetTimestamp"/>).</param>
    public FormTokenTable(int capacity, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, Ways);
        _sets = (uint)(capacity / Ways);
        _slots = new Entry?[_sets * Ways];
        _time = time;
        _lifetime = (long)(lifetime.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Slots in all (the most entries the table holds at once).</summary>
    public int Capacity => _slots.Length;

    /// <summary>The token kept for exactly this cookie value, if it has not expired.</summary>
    public bool TryGet(string cookie, out string? token)
    {
        var now = _time.GetTimestamp();
        var first = First(cookie);
        for (var i = first; i < first + Ways; i++)
        {
            if (Volatile.Read(ref _slots[i]) is { } entry && entry.Expires > now && string.Equals(entry.Cookie, cookie, StringComparison.Ordinal))
            {
                entry.Used = now;
                token = entry.Token;
                return true;
            }
        }
        token = null;
        return false;
    }

    /// <summary>Keeps the token for this cookie: in the cookie's own slot, a free or expired one, or the set's least recently used.</summary>
    public void Set(string cookie, string token)
    {
        var now = _time.GetTimestamp();
        var first = First(cookie);
        var victim = first;
        var oldest = long.MaxValue;
        for (var i = first; i < first + Ways; i++)
        {
            var entry = Volatile.Read(ref _slots[i]);
            if (entry is null || entry.Expires <= now || string.Equals(entry.Cookie, cookie, StringComparison.Ordinal))
            {
                victim = i;
                break;
            }
            if (entry.Used < oldest)
            {
                oldest = entry.Used;
                victim = i;
            }
        }
        Volatile.Write(ref _slots[victim], new Entry(cookie, token, now + _lifetime) { Used = now });
    }

    /// <summary>Entries kept and not expired (tests: a whole scan).</summary>
    public int Count()
    {
        var now = _time.GetTimestamp();
        var count = 0;
        foreach (var entry in _slots)
            if (entry is not null && entry.Expires > now) count++;
        return count;
    }

    private int First(string cookie) => (int)((uint)cookie.GetHashCode() % _sets * Ways);

    private sealed class Entry(string cookie, string token, long expires)
    {
        public string Cookie { get; } = cookie;
        public string Token { get; } = token;
        public long Expires { get; } = expires;
        /// <summary>When it was last kept or given (a <see cref="TimeProvider.GetTimestamp"/>); a stale read only changes which entry goes.</summary>
        public long Used;
    }
}
