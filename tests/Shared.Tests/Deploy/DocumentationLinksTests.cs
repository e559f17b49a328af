using System.Text.RegularExpressions;
using SoftQDistributed.TestSupport;

namespace SoftQDistributed.Tests.Deploy;

/// <summary>
/// The README and docs/ stand on their own: every relative link and image they hold points at a file of this
/// repository, and none points outside it (a user has only the checkout).
/// </summary>
public sealed partial class DocumentationLinksTests
{
    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string> { "README.md" };
        foreach (string file in Directory.EnumerateFiles(RepositoryRoot.File("docs"), "*.md").Order())
            documents.Add(Path.GetRelativePath(RepositoryRoot.Path, file));
        return documents;
    }

    [Fact]
    public void Docs_holds_the_four_documents_the_readme_links()
    {
        string readme = File.ReadAllText(RepositoryRoot.File("README.md"));
        foreach (string name in new[] { "algorithm.md", "architecture.md", "operations.md", "benchmarks.md" })
        {
            Assert.True(File.Exists(RepositoryRoot.File("docs", name)), $"docs/{name} is missing");
            Assert.Contains($"(docs/{name})", readme);
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_to_a_file_of_the_repository(string document)
    {
        string path = RepositoryRoot.File(document);
        string folder = Path.GetDirectoryName(path)!;
        string text = File.ReadAllText(path);
        var broken = new List<string>();
        foreach (Match match in Link().Matches(text))
        {
            string target = match.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            string resolved = Path.GetFullPath(Path.Combine(folder, target));
            bool inside = resolved.StartsWith(RepositoryRoot.Path + Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (!inside || !(File.Exists(resolved) || Directory.Exists(resolved))) broken.Add(target);
        }
        Assert.True(broken.Count == 0, $"{document} links to what the repository does not hold: {string.Join(", ", broken)}");
        Assert.DoesNotContain("../shared", text, StringComparison.Ordinal); // the development notes beside the checkout
    }

    /// <summary>Markdown links and images, <c>[text](target)</c>, and HTML <c>src="target"</c>.</summary>
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)|src=""(?<target>[^""]+)""")]
    private static partial Regex Link();
}
