using Microsoft.Extensions.Time.Testing;
using Paraphe.Web.Pages.Sign;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// Issue 12 (page8): the table where the signing page keeps a form token per antiforgery cookie
/// (<see cref="FormTokenTable"/>). However many distinct cookies come, it never holds more than its capacity; a token
/// is only ever found for the exact cookie it was kept for, and not after its lifetime.
/// </summary>
public sealed class SignerFormTokensBounded
{
    private static string Cookie(int i) => $"CfDJ8{new string('x', 180)}{i:D8}";

    [Fact]
    public void TheBoundHoldsUnderManyDistinctCookies()
    {
        var table = new FormTokenTable(SignerFormTokens.Capacity, SignerFormTokens.Lifetime, TimeProvider.System);
        Assert.Equal(SignerFormTokens.Capacity, table.Capacity);
        for (var i = 0; i < 5 * SignerFormTokens.Capacity; i++)
        {
            table.Set(Cookie(i), "token-" + i);
            if (i % 5_000 == 0) Assert.InRange(table.Count(), 1, SignerFormTokens.Capacity);
        }
        Assert.InRange(table.Count(), SignerFormTokens.Capacity / 2, SignerFormTokens.Capacity);
        // The newest cookie is always kept, and found with its own token.
        var newest = 5 * SignerFormTokens.Capacity - 1;
        Assert.True(table.TryGet(Cookie(newest), out var token));
        Assert.Equal("token-" + newest, token);
        // Most of the first cookies have made room for later ones.
        var early = Enumerable.Range(0, SignerFormTokens.Capacity).Count(i => table.TryGet(Cookie(i), out _));
        Assert.True(early < SignerFormTokens.Capacity / 10, $"{early} of the first {SignerFormTokens.Capacity} cookies still kept");
    }

    [Fact]
    public void ATokenIsFoundOnlyForItsExactCookie()
    {
        var table = new FormTokenTable(capacity: 64, SignerFormTokens.Lifetime, TimeProvider.System);
        table.Set(Cookie(1), "token-1");
        Assert.True(table.TryGet(Cookie(1), out var token));
        Assert.Equal("token-1", token);
        Assert.False(table.TryGet(Cookie(2), out _));
        Assert.False(table.TryGet(Cookie(1)[..^1], out _));
        Assert.False(table.TryGet(Cookie(1) + "A", out _));
        Assert.False(table.TryGet(Cookie(1).ToUpperInvariant(), out _));
        table.Set(Cookie(1), "token-1b"); // the same cookie again: its one entry replaced, not a second one
        Assert.True(table.TryGet(Cookie(1), out token));
        Assert.Equal("token-1b", token);
        Assert.Equal(1, table.Count());
    }

    [Fact]
    public void ATokenIsNotFoundAfterItsLifetime()
    {
        var clock = new FakeTimeProvider();
        var table = new FormTokenTable(capacity: 64, SignerFormTokens.Lifetime, clock);
        table.Set(Cookie(1), "token-1");
        clock.Advance(SignerFormTokens.Lifetime - TimeSpan.FromSeconds(1));
        Assert.True(table.TryGet(Cookie(1), out _)); // used, but its lifetime runs from when it was kept
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(table.TryGet(Cookie(1), out _));
        Assert.Equal(0, table.Count());
    }

    [Fact]
    public void ASetNeverHoldsMoreThanItsWays()
    {
        // A capacity of one set: every cookie competes for the same ways, the least recently used goes.
        var clock = new FakeTimeProvider();
        var table = new FormTokenTable(FormTokenTable.Ways, SignerFormTokens.Lifetime, clock);
        for (var i = 0; i < FormTokenTable.Ways; i++) table.Set(Cookie(i), "token-" + i);
        Assert.Equal(FormTokenTable.Ways, table.Count());
        clock.Advance(TimeSpan.FromSeconds(1)); // cookie 0, used now, is the most recently used
        Assert.True(table.TryGet(Cookie(0), out _));
        table.Set(Cookie(100), "token-100");
        Assert.Equal(FormTokenTable.Ways, table.Count());
        Assert.True(table.TryGet(Cookie(0), out _));
        Assert.True(table.TryGet(Cookie(100), out _));
        // Of the cookies not used since they were kept, exactly one made room.
        Assert.Equal(FormTokenTable.Ways - 2, Enumerable.Range(1, FormTokenTable.Ways - 1).Count(i => table.TryGet(Cookie(i), out _)));
    }
}
