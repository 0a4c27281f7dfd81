using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Paraphe.Web.Tests.Abuse;

/// <summary>
/// Keeps every log entry at every level: its category, level, formatted message, each structured value, the
/// exception and every scope around it (as a JSON console or an OpenTelemetry exporter would write them).
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyList<string> Values, int EventId = 0)
    {
        /// <summary>Everything written for this entry, for searching.</summary>
        public IEnumerable<string> Everything => Values.Prepend(Message);
    }

    private IExternalScopeProvider? scopes;

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() { }

    private static void AddValues(object? state, List<string> values)
    {
        if (state is null) return;
        values.Add(state.ToString() ?? "");
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            foreach (var (key, value) in pairs) values.Add($"{key}={value}");
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new List<string>();
            AddValues(state, values);
            if (exception is not null) values.Add(exception.ToString());
            owner.scopes?.ForEachScope((scope, list) => AddValues(scope, list), values);
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), values, eventId.Id));
        }
    }
}
