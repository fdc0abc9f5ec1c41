using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Deploy.Tests;

/// <summary>
/// The code packages FC runs: every ELF file needs no glibc newer than its runtime's (custom.debian12: 2.36,
/// custom.debian10: 2.28), and the zip keeps the executable bits FC needs to start <c>/code/bootstrap</c>.
/// </summary>
public sealed partial class PackageTests
{
    [Theory]
    [InlineData("debian12")]
    [InlineData("debian10")]
    public async Task Every_binary_needs_no_newer_glibc_than_the_runtime_has(string target)
    {
        var package = CodePackage.Named(target);
        var dir = Repository.Package(package);
        var elves = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Where(IsElf).ToList();
        Assert.Contains(elves, path => Path.GetFileName(path) == "SampleFunctions" || Path.GetFileName(path) == "libcoreclr.so");

        var report = new List<string>();
        foreach (var elf in elves)
        {
            // objdump -T lists the dynamic symbols with the version each needs, e.g. "... (GLIBC_2.34) pthread_create".
            var symbols = await Repository.RunAsync("objdump", TimeSpan.FromMinutes(1), "-T", elf);
            var needed = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).ToList();
            if (needed.Count == 0) continue;
            var newest = needed.Max()!;
            report.Add($"{Path.GetRelativePath(dir, elf)}: GLIBC_{newest}");
            Assert.True(newest <= package.MaxGlibc,
                $"{elf} needs GLIBC_{newest}, newer than {package.Runtime}'s {package.MaxGlibc}:\n" +
                string.Join('\n', symbols.Split('\n').Where(line => line.Contains($"GLIBC_{newest}"))));
        }
        Assert.NotEmpty(report); // the app binary at least links glibc dynamically
    }

    [Theory]
    [InlineData("debian12")]
    [InlineData("debian10")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_zip_holds_the_directory_with_executable_bits(string target)
    {
        var package = CodePackage.Named(target);
        var dir = Repository.Package(package);
        using var zip = ZipFile.OpenRead(Path.Combine(Repository.Root, "dist", package.Directory + ".zip"));

        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(dir, path).Replace('\\', '/')).Order().ToList();
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order().ToList();
        Assert.Equal(files, entries); // at the root of the zip: FC unpacks it into /code

        foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
        {
            var onDisk = new FileInfo(Path.Combine(dir, entry.FullName));
            Assert.Equal(onDisk.Length, entry.Length);
            var mode = (UnixFileMode)((entry.ExternalAttributes >> 16) & 0xFFF);
            Assert.Equal(File.GetUnixFileMode(onDisk.FullName), mode);
        }

        foreach (var executable in new[] { "bootstrap", "SampleFunctions" })
        {
            var entry = zip.GetEntry(executable);
            Assert.NotNull(entry);
            var mode = (UnixFileMode)((entry.ExternalAttributes >> 16) & 0xFFF);
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute),
                $"{executable} in the zip has mode {Convert.ToString((int)mode, 8)}: FC could not execute it");
        }
    }

    [Fact]
    public void The_debian10_package_is_native_aot_unless_built_self_contained()
    {
        // Records the choice: Native AOT linked by zig against glibc 2.28 (a single binary), unless the
        // self-contained fallback (PACKAGE_MODE=self-contained) was asked for, which brings libcoreclr.so.
        var dir = Repository.Package(CodePackage.Debian10);
        var aot = !File.Exists(Path.Combine(dir, "libcoreclr.so"));
        if (aot) Assert.Equal(["SampleFunctions", "bootstrap"], Directory.EnumerateFiles(dir).Select(Path.GetFileName).Order());
        Assert.True(IsElf(Path.Combine(dir, "SampleFunctions")));
    }

    private static bool IsElf(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.Read(magic) == 4 && magic.SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']);
    }

    [GeneratedRegex(@"\(GLIBC_(\d+\.\d+(?:\.\d+)?)\)")]
    private static partial Regex GlibcVersion();
}
