namespace Paraphe.Domain.Tests;

public class Smoke
{
    [Fact]
    public void DomainExceptionCarriesItsCode() =>
        Assert.Equal("procedure_locked", new DomainException(ErrorCodes.ProcedureLocked, "x").Code);
}
