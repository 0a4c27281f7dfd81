namespace Paraphe.Data.Records;

/// <summary>
/// A drawn signature prepared at signing in the form the stamper imports (issue 12): a one-page PDF whose image
/// streams (the ink's colour and the drawing's alpha as its soft mask, Flate) PDFsharp copies into the sealed document
/// without decoding a pixel. Written in the save that records the signature, read only by the sealing worker; the
/// PNG in the signer's row stays the evidence. A signature without this row (signed before it existed, or of an
/// older <see cref="Format"/>) is prepared at sealing instead, from its PNG.
/// </summary>
public sealed class SignatureFormRecord
{
    public string SignerId { get; set; } = "";
    public string ProcedureId { get; set; } = "";
    public string AgencyId { get; set; } = "";
    /// <summary>The writer's format number: the sealer uses the row only when it is the one it knows.</summary>
    public int Format { get; set; }
    public byte[] Pdf { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}
