using System.Reflection;
using PdfSharp.Pdf;

namespace Paraphe.Web.Features.Sealing;

/// <summary>
/// Keeps PDFsharp's reflection warm across documents (issue 12, round 3). PDFsharp turns a parsed dictionary into its
/// typed form (a page, a font, a form field…) by <c>type.GetConstructor(…).Invoke(…)</c> each time. .NET keeps a type's
/// reflection cache — its <see cref="ConstructorInfo"/> objects, and the IL invoker each one emits for itself after
/// its second call — behind a <em>weak</em> handle: every garbage collection between two seals dropped it, so each
/// seal made new constructor objects, emitted new invokers (dynamic methods) and JIT-compiled them again, and the
/// finalizer thread destroyed the old ones (a profile of `--scenario sealing-loop`: the JIT ~10 % of the process's CPU
/// in steady state). Holding every constructor of PDFsharp's object types here keeps their types' caches alive —
/// a constructor object references its type's cache — so each invoker is emitted once per process.
/// </summary>
internal static class PdfSharpConstructors
{
    private static readonly ConstructorInfo[] Kept = typeof(PdfItem).Assembly.GetTypes()
        .Where(t => typeof(PdfItem).IsAssignableFrom(t) && !t.IsAbstract)
        .SelectMany(t => t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        .ToArray();

    /// <summary>How many constructors are held (runs the static initialiser once; later calls cost nothing).</summary>
    public static int EnsureKept() => Kept.Length;
}
