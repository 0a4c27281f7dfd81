using Paraphe.Domain.Agencies;
using Paraphe.Domain.Tests.Procedures;

namespace Paraphe.Domain.Tests.Agencies;

public class UserCreate
{
    [Theory]
    [InlineData(UserRole.Director, true)]
    [InlineData(UserRole.Negotiator, true)]
    [InlineData(UserRole.CommercialAgent, false)]
    public void GivesSigningAuthorityToAllButCommercialAgentsByDefault(UserRole role, bool authority)
    {
        var u = User.Create(Build.AgencyId, "agent@immo-garibaldi.fr", "Marc", "Durand", role, "hash", Build.Start.UtcDateTime);

        Assert.Equal(authority, u.HasSigningAuthority);
    }

    [Fact]
    public void GrantsSigningAuthorityToACommercialAgentWhenAsked()
    {
        var u = User.Create(Build.AgencyId, "l.petit@immo-garibaldi.fr", "Léa", "Petit", UserRole.CommercialAgent, "hash",
            Build.Start.UtcDateTime, signingAuthority: true);

        Assert.True(u.HasSigningAuthority);
    }

    [Fact]
    public void NormalisesTheEmailAndTrimsTheNames()
    {
        var u = User.Create(Build.AgencyId, "  S.Garnier@Immo-Garibaldi.FR ", " Sophie ", " Garnier ", UserRole.Director, "hash",
            Build.Start.UtcDateTime, mobile: "+33612345678");

        Assert.StartsWith("usr_", u.Id);
        Assert.Equal("s.garnier@immo-garibaldi.fr", u.Email);
        Assert.Equal("Sophie Garnier", u.DisplayName);
        Assert.Equal("+33612345678", u.Mobile);
    }
}
