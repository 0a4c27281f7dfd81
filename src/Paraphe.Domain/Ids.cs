namespace Paraphe.Domain;

/// <summary>Opaque, prefixed, time-ordered identifiers ("prc_0199…") that integrators can log and grep.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}_{Guid.CreateVersion7():N}";

    public static string Agency() => New("agc");
    public static string User() => New("usr");
    public static string Contact() => New("ctc");
    public static string Document() => New("doc");
    public static string Procedure() => New("prc");
    public static string Signer() => New("sgn");
    public static string Notification() => New("ntf");
}
