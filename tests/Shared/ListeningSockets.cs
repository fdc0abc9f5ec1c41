using System.Globalization;
using System.Net;

namespace FunctionCompute.Tests.Shared;

/// <summary>
/// The TCP sockets of this machine that listen on a port, read from <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c>:
/// where a server accepts connections, seen without sending it anything (tests never send to a non-loopback address).
/// </summary>
public static class ListeningSockets
{
    private const string Listen = "0A";

    /// <summary>The local addresses listening on <paramref name="port"/> (IPv4 and IPv6).</summary>
    public static IReadOnlyList<IPAddress> On(int port) => Listening(port).Select(socket => socket.Address).ToList();

    /// <summary>The processes (of this user) that hold a socket listening on <paramref name="port"/>.</summary>
    public static IReadOnlyList<int> ProcessesOn(int port)
    {
        var sockets = Listening(port).Select(socket => $"socket:[{socket.Inode}]").ToHashSet(StringComparer.Ordinal);
        var owners = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")).Any(fd => new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target)))
                    owners.Add(pid);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another user's process, or one that ended while it was read.
            }
        }
        return owners;
    }

    private static List<(IPAddress Address, string Inode)> Listening(int port)
    {
        Assert.True(File.Exists("/proc/net/tcp"), "/proc/net/tcp is missing: these tests read the listening sockets from Linux's /proc.");
        var found = new List<(IPAddress, string)>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  0: 0100007F:1F90 00000000:0000 0A ... uid timeout inode" = local address:port, remote, state, ..., inode.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != Listen) continue;
                var local = fields[1].Split(':');
                if (int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port) continue;
                found.Add((Parse(local[0]), fields[9]));
            }
        }
        return found;
    }

    /// <summary>The kernel prints each 32-bit word of the address in host (little-endian) order.</summary>
    private static IPAddress Parse(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        var address = new IPAddress(bytes);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
