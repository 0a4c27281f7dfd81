using System.Globalization;
using Paraphe.Bench;
using Paraphe.Bench.Delivery;
using Paraphe.Bench.Sealing;

// dotnet run -c Release --project bench/Paraphe.Bench -- [--scenario create-launch|smtp|dispatcher|callbacks|sealing|all] [--db sqlite|postgres|all] …
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// A cold sealing measurement: this executable re-launched by ColdSeal, one fresh process per sample.
if (args is [ColdSeal.ChildFlag, var input, var directory])
    return await ColdSeal.RunChildAsync(input, directory);

// Issue 12, round 6: « HTTP + the one prepared read » in a process of its own, started by the HTTP bench.
if (args is [Paraphe.Bench.Http.ReadFloorHost.ChildFlag, var floorConnection, var pageFile, var apiFile])
    return await Paraphe.Bench.Http.ReadFloorHost.ServeAsync(floorConnection, pageFile, apiFile);

// Issue 9 (`--scenario stall`): signature images and a pathological job in the sealing queue.
if (args is ["--scenario", StallBench.Flag])
    return await StallBench.RunAsync();

// Issue 11 (`--scenario instances`): dispatch and sealing throughput, one vs two instances on one PostgreSQL.
if (args is ["--scenario", Paraphe.Bench.Instances.InstancesBench.Flag, ..])
    return await Paraphe.Bench.Instances.InstancesBench.RunAsync(args);
// Issue 11 (`--scenario rate-limits`): a rate-limited request's count in the database.
if (args is ["--scenario", RateLimitBench.Flag])
    return await RateLimitBench.RunAsync();
// Issue 11 (`--scenario crash …`): SIGKILLs while dispatching and sealing, and the counts after (bench/crash.sh).
if (args is ["--scenario", CrashBench.Flag, ..])
    return await CrashBench.RunAsync(args);
if (args is ["--scenario", DatabaseOutageBench.Flag, ..])
    return await DatabaseOutageBench.RunAsync(args);
// Issue 11 (`--scenario storage`): memory per request for a 50 MB upload and download with each storage provider.
if (args is ["--scenario", Paraphe.Bench.Storage.StorageBench.Flag])
    return await Paraphe.Bench.Storage.StorageBench.RunAsync();

// Issue 12 (`--scenario status-page`): the agent's status page, 10 signers, 200 messages, a sealed 26 MB scan.
if (args is ["--scenario", Paraphe.Bench.Http.StatusPageBench.Flag])
    return await Paraphe.Bench.Http.StatusPageBench.RunAsync();

// Issue 12 (`--scenario sealing-cpu`): the sealing path's CPU per step and the peer's, without BenchmarkDotNet (~1 minute).
if (args is ["--scenario", SealingBench.CpuFlag])
    return await SealingBench.RunCpuOnlyAsync();
// Issue 12 (`--scenario sealing-loop [input] [seconds]`): one input sealed in a loop, for a profiler to attach.
if (args is ["--scenario", SealingLoop.Flag, ..])
    return await SealingLoop.RunAsync(args);
// Issue 12 (`--scenario busy-wait`): SQLite's busy wait, its cost per connection open, three mechanisms interleaved.
if (args is ["--scenario", BusyWaitBench.Flag])
{
    await BusyWaitBench.RunAsync();
    return 0;
}

// Issue 12 (`--scenario antiforgery`): the signing page's antiforgery token per call, Data Protection's algorithms (page7).
if (args is ["--scenario", Paraphe.Bench.Http.AntiforgeryBench.Flag])
    return await Paraphe.Bench.Http.AntiforgeryBench.RunAsync();

// Issue 12 (`--scenario list-page [sqlite|postgres]`): what one page of GET /api/v1/procedures costs, no load.
if (args is ["--scenario", Paraphe.Bench.Http.ListPageBench.Flag, ..])
    return await Paraphe.Bench.Http.ListPageBench.RunAsync(args);

// Issue 12 (`--scenario speed`): every hot path of the issue with its floors and its peers, in one command.
var speed = args.Length > 1 && args[0] == "--scenario" && args[1] == "speed";
if (speed) args = ["--scenario", "create-launch,callbacks,dispatcher,sealing,http", .. args[2..]];

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var machine = Machine.Describe();
Console.WriteLine($"Paraphe.Bench — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {machine}");
Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
Console.WriteLine();

var ok = true;
foreach (var kind in options.Kinds)
{
    var (title, run) = kind switch
    {
        BenchKind.CreateLaunch => ("Create + launch (issue 2)", CreateLaunchBench.RunAsync(options)),
        BenchKind.Smtp => ("Emails per second over SMTP (issue 3)", SmtpBench.RunAsync(options)),
        BenchKind.Dispatcher => ("Dispatcher draining a backlog (issue 3)", DispatcherBench.RunAsync(options)),
        BenchKind.Callbacks => ("Provider callbacks ingested per second (issue 3)", CallbackBench.RunAsync(options)),
        BenchKind.Sealing => ("Stamping and sealing (issue 4)", SealingBench.RunAsync(options)),
        BenchKind.TextLayout => ("Text layout: evidence page and stamps for long titles and names (issue 9)", TextLayoutBench.RunAsync(options)),
        BenchKind.Verify => ("/verify per MB, normal and worst files (issue 9)", Paraphe.Bench.Verify.VerifyBench.RunAsync(options)),
        BenchKind.Http => ("HTTP load on the API and the signing page, app in its own process on Kestrel (issue 11)", Paraphe.Bench.Http.HttpLoadBench.RunAsync(options)),
    };
    var (markdown, passed) = await run;
    ok &= passed;
    Console.WriteLine($"### {title}");
    Console.WriteLine();
    if (kind is BenchKind.CreateLaunch or BenchKind.Callbacks)
        Console.WriteLine($"rounds: {options.Rounds} × {options.Seconds} s per scenario (after a {options.WarmupSeconds} s warm-up), " +
                          $"scenarios interleaved round by round; clients: {string.Join(", ", options.Clients)}");
    Console.WriteLine(markdown);
    Console.WriteLine($"load average after: {Machine.LoadAverage()}");
    Console.WriteLine();
}

if (speed) ok &= await Paraphe.Bench.Http.StatusPageBench.RunAsync() == 0;

return ok ? 0 : 1;
