using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Paraphe.Data.Records;
using Paraphe.Web.Features.Completion;
using Paraphe.Web.Tests.Infrastructure;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Stands in front of the real sealing of chosen procedures: one that fails every time, or one held like PDF work that
/// cannot be interrupted (it ignores cancellation) until the test lets it go. Every other procedure is sealed for real.
/// </summary>
public sealed class SealingGate
{
    private readonly ConcurrentDictionary<string, bool> _failing = new();
    private readonly ConcurrentDictionary<string, Held> _held = new();

    public sealed class Held
    {
        internal readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        internal readonly ManualResetEventSlim Gate = new(false);
        internal int entries;
        public Task Entered => Started.Task;
        /// <summary>How many attempts have entered the held work.</summary>
        public int Entries => Volatile.Read(ref entries);
        public void Release() => Gate.Set();
    }

    public void FailAlways(string procedureId) => _failing[procedureId] = true;
    public void Heal(string procedureId) => _failing.TryRemove(procedureId, out _);

    public Held Hold(string procedureId) => _held.GetOrAdd(procedureId, _ => new Held());

    public void ReleaseAll()
    {
        foreach (var held in _held.Values) held.Release();
    }

    internal sealed class GatedSealJob(SealProcedure real, SealingGate gate) : ISealJob
    {
        public Task<bool> HandleAsync(SealingJob job, CancellationToken ct)
        {
            if (gate._failing.ContainsKey(job.ProcedureId))
                throw new InvalidOperationException($"Simulated sealing failure for {job.ProcedureId}");
            if (gate._held.TryGetValue(job.ProcedureId, out var held))
            {
                Interlocked.Increment(ref held.entries);
                held.Started.TrySetResult();
                held.Gate.Wait(TimeSpan.FromMinutes(2)); // CPU-bound work: deaf to cancellation
            }
            return real.HandleAsync(job, ct);
        }
    }
}

/// <summary>The app with the sealing worker stopped (the tests run its passes) and the <see cref="SealingGate"/> in place.</summary>
public abstract class SealingStallApp : ParapheApp
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(30);
    public const int MaxAttempts = 3;
    public const int Concurrency = 2;

    public SealingGate Gate { get; } = new();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Paraphe:Sealing:Worker:Enabled", "false");
        builder.UseSetting("Paraphe:Sealing:Worker:JobTimeout", JobTimeout.ToString());
        builder.UseSetting("Paraphe:Sealing:Worker:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Paraphe:Sealing:Worker:Concurrency", Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Gate);
            services.AddScoped<ISealJob>(sp => new SealingGate.GatedSealJob(sp.GetRequiredService<SealProcedure>(), Gate));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        Gate.ReleaseAll();
        await base.DisposeAsync();
    }
}

public sealed class SealingStallSqliteApp : SealingStallApp
{
    public override string DatabaseName => "sqlite";
    protected override Task<string?> CreateDatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class SealingStallPostgresApp : SealingStallApp
{
    public override string DatabaseName => "postgres";

    protected override async Task<string?> CreateDatabaseAsync()
    {
        var cluster = await Paraphe.Testing.PostgresCluster.SharedAsync();
        return await cluster.CreateUniqueDatabaseAsync("stall");
    }
}
