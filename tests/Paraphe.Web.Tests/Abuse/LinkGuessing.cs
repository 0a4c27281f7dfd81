using System.Net;
using System.Security.Cryptography;
using Paraphe.Web.Platform;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Issue 9, point 9: per-link limits bound what one link takes, but a client guessing at random links would get a fresh
/// budget (and cost a lookup) with every guess. One client's requests to personal links, whichever links, are limited
/// too (`Paraphe:LinkRateLimits:PerClientPerMinute`); another client is unaffected.
/// </summary>
public abstract class LinkGuessing(ParapheApp app)
{
    private HttpClient ClientFrom(string ip)
    {
        var handler = app.Server.CreateHandler(ctx => ctx.Connection.RemoteIpAddress = IPAddress.Parse(ip));
        return new HttpClient(handler) { BaseAddress = app.Server.BaseAddress };
    }

    private static string RandomToken() => ApiKeys.Base64Url(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task OneClientGuessingAtLinksIsLimitedAcrossLinksAndAnotherClientIsNot()
    {
        var limit = new LinkRateLimitOptions().PerClientPerMinute;
        var guesser = ClientFrom($"192.0.2.{Random.Shared.Next(1, 255)}");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < limit + 5; i++)
        {
            var path = i % 2 == 0 ? $"/api/v1/signing/{RandomToken()}" : $"/telechargement/ntf_{Guid.NewGuid():N}/{RandomToken()}";
            using var response = await guesser.GetAsync(path);
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(limit), s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.All(statuses.Skip(limit), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        var refused = await guesser.GetAsync($"/api/v1/signing/{RandomToken()}");
        var problem = await Expect.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(refused.Headers.RetryAfter is not null, "a 429 says when to come back");

        using var other = await ClientFrom("198.51.100.77").GetAsync($"/api/v1/signing/{RandomToken()}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class LinkGuessingOnSqlite(SqliteApp app) : LinkGuessing(app);

[Collection(PostgresCollection.Name)]
public sealed class LinkGuessingOnPostgres(PostgresApp app) : LinkGuessing(app);
