using Microsoft.Extensions.Options;

namespace Paraphe.Bench.Delivery;

/// <summary>Options that never change, to build a second SmtpSender pointed at another server.</summary>
public sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;
    public T Get(string? name) => value;
    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
