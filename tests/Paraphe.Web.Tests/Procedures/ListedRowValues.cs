using Microsoft.Data.Sqlite;
using Paraphe.Domain.Notifications;
using Paraphe.Web.Features.Procedures;

namespace Paraphe.Web.Tests.Procedures;

/// <summary>
/// The list reads a message's enums and times by hand (issue 12, fourth round: `RowValues`): every value must read
/// exactly as the driver and `Enum.Parse` read it, and anything in another shape must fall back to them.
/// </summary>
public sealed class ListedRowValues
{
    [Fact]
    public void TimesStoredBySqliteReadAsTheDriverReadsThem()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE t (v TEXT)";
            create.ExecuteNonQuery();
        }
        var random = new Random(12);
        var times = new List<DateTime>
        {
            new(2026, 12, 6, 22, 11, 25), new(2026, 12, 6, 22, 11, 25, 100), new DateTime(2024, 2, 29, 23, 59, 59).AddTicks(9_999_999),
            new(1, 1, 1, 0, 0, 0), new DateTime(9999, 12, 31, 23, 59, 59).AddTicks(1), DateTime.UnixEpoch.AddTicks(10),
        };
        for (var i = 0; i < 2_000; i++) times.Add(new DateTime(2020, 1, 1).AddTicks((long)(random.NextDouble() * TimeSpan.FromDays(3_000).Ticks)));
        foreach (var time in times)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO t VALUES (@v)";
            insert.Parameters.AddWithValue("@v", time);
            insert.ExecuteNonQuery();
        }
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT v FROM t";
        using var r = read.ExecuteReader();
        var n = 0;
        while (r.Read())
        {
            Assert.True(RowValues.TryParse(r.GetString(0), out var fast), $"« {r.GetString(0)} » not read by the fast path");
            var expected = DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc);
            Assert.Equal(expected, fast);
            Assert.Equal(expected, RowValues.Utc(r, 0));
            Assert.Equal(DateTimeKind.Utc, RowValues.Utc(r, 0).Kind);
            Assert.Equal(times[n++].Ticks, expected.Ticks);
        }
        Assert.Equal(times.Count, n);
    }

    [Theory]
    [InlineData("2026-12-06T22:11:25")]
    [InlineData("2026-12-06 22:11:25Z")]
    [InlineData("2026-12-06 22:11:25.")]
    [InlineData("2026-12-06 22:11:25.12345678")]
    [InlineData("2026-12-06 22:11:25+01:00")]
    [InlineData("2026-02-30 22:11:25")]
    [InlineData("2026-13-06 22:11:25")]
    [InlineData("2026-12-06 24:00:00")]
    [InlineData("2026-12-06 22:1a:25")]
    [InlineData("26-12-06 22:11:25")]
    [InlineData("")]
    public void OtherShapesAreLeftToTheRuntime(string stored) => Assert.False(RowValues.TryParse(stored, out _));

    [Fact]
    public void EnumsReadAsEnumParseReadsThem()
    {
        foreach (var status in Enum.GetValues<DeliveryStatus>()) Assert.Equal(status, RowValues.Enum<DeliveryStatus>(status.ToString()));
        foreach (var kind in Enum.GetValues<DeliveryFailure>()) Assert.Equal(kind, RowValues.Enum<DeliveryFailure>(kind.ToString()));
        foreach (var channel in Enum.GetValues<Channel>()) Assert.Equal(channel, RowValues.Enum<Channel>(channel.ToString()));
        foreach (var purpose in Enum.GetValues<Purpose>()) Assert.Equal(purpose, RowValues.Enum<Purpose>(purpose.ToString()));
        // Not a name: what Enum.Parse does (a number, or its exception).
        Assert.Equal(Enum.Parse<DeliveryStatus>("1"), RowValues.Enum<DeliveryStatus>("1"));
        Assert.Throws<ArgumentException>(() => RowValues.Enum<DeliveryStatus>("nope"));
    }
}
