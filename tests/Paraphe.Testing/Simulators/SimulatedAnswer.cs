namespace Paraphe.Testing.Simulators;

/// <summary>How a provider simulator answers a send request.</summary>
public abstract record SimulatedAnswer
{
    /// <summary>Accepted: the documented success answer.</summary>
    public static readonly SimulatedAnswer Accept = new AcceptAnswer();

    /// <summary>Never answers (until the caller gives up or the simulator stops): a timeout.</summary>
    public static readonly SimulatedAnswer Hang = new HangAnswer();

    /// <summary>The provider's documented error body with this HTTP status and provider code.</summary>
    public static SimulatedAnswer Error(int status, string code, string message) => new ErrorAnswer(status, code, message);
}

public sealed record AcceptAnswer : SimulatedAnswer;

public sealed record HangAnswer : SimulatedAnswer;

public sealed record ErrorAnswer(int Status, string Code, string Message) : SimulatedAnswer;
