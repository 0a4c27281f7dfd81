namespace Paraphe.Data;

/// <summary>
/// The agency of the current request. Every tenant-owned table is filtered by it; with no agency
/// (workers, the signer's link) queries see nothing unless they say <c>IgnoreQueryFilters()</c> on purpose.
/// </summary>
public interface ITenant
{
    string? AgencyId { get; }
}

public sealed class NoTenant : ITenant
{
    public static readonly NoTenant Instance = new();
    public string? AgencyId => null;
}
