using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FunctionCompute.OssEmulator.Hosting;
using FunctionCompute.OssEmulator.Protocol;

namespace FunctionCompute.OssEmulator.Storage;

/// <summary>
/// The emulator's objects and multipart uploads. In memory by default (bodies above
/// <see cref="OssEmulatorOptions.MaxInMemoryBodySize"/> and parts spill to a private temp directory), or
/// persisted under a data directory (<c>objects/&lt;bucket&gt;/&lt;sha256(key)&gt;.json</c> metadata,
/// <c>blobs/</c> content). Public members are for test assertions.
/// </summary>
public sealed class OssObjectStore : IDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, OssStoredObject>> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MultipartUpload> _uploads = new(StringComparer.Ordinal);
    private readonly Lock _commitLock = new();
    private readonly string _root;
    private readonly bool _persistent;
    private readonly long _memoryLimit;

    internal OssObjectStore(IEnumerable<string> buckets, string? dataDirectory, long memoryLimit)
    {
        _persistent = dataDirectory is not null;
        _root = dataDirectory is not null ? Path.GetFullPath(dataDirectory) : Path.Combine(Path.GetTempPath(), "oss-emulator-" + Guid.NewGuid().ToString("N"));
        _memoryLimit = _persistent ? 0 : memoryLimit;
        Directory.CreateDirectory(BlobDirectory);
        foreach (var b in buckets)
        {
            _buckets.TryAdd(b, new ConcurrentDictionary<string, OssStoredObject>(StringComparer.Ordinal));
        }

        if (_persistent) Load();
    }

    /// <summary>Where bodies are written (temp files in memory mode, content files in directory mode).</summary>
    internal string BlobDirectory => Path.Combine(_root, "blobs");

    internal long MemoryLimit => _memoryLimit;

    /// <summary>The configured buckets.</summary>
    public IReadOnlyCollection<string> Buckets => [.. _buckets.Keys.Order(StringComparer.Ordinal)];

    /// <summary>True when objects survive a restart (a data directory is used).</summary>
    public bool IsPersistent => _persistent;

    /// <summary>Number of objects across buckets.</summary>
    public int Count => _buckets.Values.Sum(b => b.Count);

    /// <summary>Multipart uploads initiated and neither completed nor aborted.</summary>
    public int PendingUploadCount => _uploads.Count;

    public bool BucketExists(string bucket) => _buckets.ContainsKey(bucket);

    public bool TryGet(string bucket, string key, out OssStoredObject obj)
    {
        obj = null!;
        return _buckets.TryGetValue(bucket, out var objects) && objects.TryGetValue(key, out obj!);
    }

    /// <summary>The object, or null.</summary>
    public OssStoredObject? Get(string bucket, string key) => TryGet(bucket, key, out var o) ? o : null;

    /// <summary>Every object of a bucket in listing order.</summary>
    public IReadOnlyList<OssStoredObject> List(string bucket) =>
        _buckets.TryGetValue(bucket, out var objects) ? [.. objects.Values.OrderBy(o => o.Key, Utf8KeyComparer.Instance)] : [];

    /// <summary>Reads a whole object into memory (small objects in tests only).</summary>
    public byte[] ReadAllBytes(string bucket, string key)
    {
        var obj = Get(bucket, key) ?? throw new KeyNotFoundException($"{bucket}/{key} does not exist.");
        using var s = obj.OpenRead();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    internal IReadOnlyList<string> SortedKeys(string bucket) =>
        _buckets.TryGetValue(bucket, out var objects) ? [.. objects.Keys.Order(Utf8KeyComparer.Instance)] : [];

    internal BodySink CreateSink(long? expectedLength) => new(BlobDirectory, _memoryLimit, expectedLength);

    /// <summary>Stores <paramref name="obj"/>; with <paramref name="forbidOverwrite"/>, fails if the key exists. The replaced object's files are released.</summary>
    internal void Commit(OssStoredObject obj, bool forbidOverwrite, string? forbidEc = null)
    {
        var objects = _buckets[obj.Bucket];
        OssStoredObject? previous;
        lock (_commitLock)
        {
            if (objects.TryGetValue(obj.Key, out previous) && forbidOverwrite)
            {
                throw OssError.FileAlreadyExists(forbidEc);
            }

            if (_persistent) WriteMeta(obj);
            objects[obj.Key] = obj;
        }

        if (previous is not null) Release(previous.Segments, except: obj.Segments);
    }

    internal bool Delete(string bucket, string key)
    {
        var objects = _buckets[bucket];
        OssStoredObject? removed;
        lock (_commitLock)
        {
            if (!objects.TryRemove(key, out removed)) return false;
            if (_persistent) File.Delete(MetaPath(bucket, key));
        }

        Release(removed.Segments);
        return true;
    }

    internal MultipartUpload StartUpload(string bucket, string key, string initiatedBy, ObjectAttributes attributes, DateTimeOffset now)
    {
        var upload = new MultipartUpload
        {
            UploadId = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            Bucket = bucket,
            Key = key,
            Initiated = now,
            InitiatedBy = initiatedBy,
            Attributes = attributes,
        };
        _uploads[upload.UploadId] = upload;
        return upload;
    }

    internal MultipartUpload GetUpload(string bucket, string key, string uploadId) =>
        _uploads.TryGetValue(uploadId, out var u) && u.Bucket == bucket && u.Key == key ? u : throw OssError.NoSuchUpload(uploadId);

    internal void PutPart(MultipartUpload upload, UploadedPart part)
    {
        UploadedPart? replaced = null;
        upload.Parts.AddOrUpdate(part.PartNumber, part, (_, old) =>
        {
            replaced = old;
            return part;
        });
        if (replaced is not null) Release([replaced.Segment]);
        if (!_uploads.ContainsKey(upload.UploadId))
        {
            // Aborted or completed while the part was being received.
            Release([part.Segment]);
            throw OssError.NoSuchUpload(upload.UploadId);
        }
    }

    /// <summary>Removes the upload; false when another request completed or aborted it first.</summary>
    internal bool TryFinishUpload(MultipartUpload upload) => _uploads.TryRemove(new(upload.UploadId, upload));

    internal void RestoreUpload(MultipartUpload upload) => _uploads.TryAdd(upload.UploadId, upload);

    internal bool AbortUpload(string bucket, string key, string uploadId)
    {
        var upload = GetUpload(bucket, key, uploadId);
        if (!_uploads.TryRemove(new(uploadId, upload))) return false;
        Release([.. upload.Parts.Values.Select(p => p.Segment)]);
        return true;
    }

    /// <summary>
    /// Deletes the files of segments no longer referenced, after a grace period: a GET that looked the object
    /// up just before it was replaced may not have opened its files yet.
    /// </summary>
    internal static void Release(IEnumerable<Segment> segments, IReadOnlyList<Segment>? except = null)
    {
        var paths = segments.Where(s => s.Path is not null && (except is null || !except.Any(e => e.Path == s.Path))).Select(s => s.Path!).ToList();
        if (paths.Count == 0) return;
        _ = Task.Delay(TimeSpan.FromSeconds(5)).ContinueWith(_ =>
        {
            foreach (var p in paths)
            {
                try { File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }, TaskScheduler.Default);
    }

    private string MetaPath(string bucket, string key) =>
        Path.Combine(_root, "objects", bucket, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".json");

    private void WriteMeta(OssStoredObject obj)
    {
        var meta = new PersistedObject
        {
            Key = obj.Key,
            ETag = obj.ETag,
            Crc64 = obj.Crc64,
            LastModified = obj.LastModified,
            ContentType = obj.ContentType,
            ObjectType = obj.ObjectType,
            StorageClass = obj.StorageClass,
            Acl = obj.Acl,
            Metadata = new Dictionary<string, string>(obj.UserMetadata),
            CacheControl = obj.CacheControl,
            ContentDisposition = obj.ContentDisposition,
            ContentEncoding = obj.ContentEncoding,
            Expires = obj.Expires,
            WrittenBy = obj.WrittenBy,
            PartCount = obj.PartCount,
            Blobs = [.. obj.Segments.Select(s => new PersistedBlob { Name = Path.GetFileName(s.Path!), Length = s.Length })],
        };
        var path = MetaPath(obj.Bucket, obj.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(meta, EmulatorJsonContext.Default.PersistedObject));
        File.Move(tmp, path, overwrite: true);
    }

    private void Load()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (bucket, objects) in _buckets)
        {
            var dir = Path.Combine(_root, "objects", bucket);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*.json"))
            {
                PersistedObject? meta;
                try { meta = JsonSerializer.Deserialize(File.ReadAllBytes(file), EmulatorJsonContext.Default.PersistedObject); }
                catch (JsonException) { continue; }
                if (meta is null) continue;
                var segments = meta.Blobs.Select(b => new Segment(Path.Combine(BlobDirectory, b.Name), b.Length)).ToList();
                if (segments.Any(s => !File.Exists(s.Path))) continue;
                foreach (var s in segments) referenced.Add(Path.GetFileName(s.Path!));
                objects[meta.Key] = new OssStoredObject(bucket, meta.Key, segments)
                {
                    ETag = meta.ETag,
                    Crc64 = meta.Crc64,
                    LastModified = meta.LastModified,
                    ContentType = meta.ContentType,
                    ObjectType = meta.ObjectType,
                    StorageClass = meta.StorageClass,
                    Acl = meta.Acl,
                    UserMetadata = meta.Metadata,
                    CacheControl = meta.CacheControl,
                    ContentDisposition = meta.ContentDisposition,
                    ContentEncoding = meta.ContentEncoding,
                    Expires = meta.Expires,
                    WrittenBy = meta.WrittenBy,
                    PartCount = meta.PartCount,
                };
            }
        }

        // Blobs of uploads that never completed (the process stopped) or of replaced objects.
        foreach (var blob in Directory.EnumerateFiles(BlobDirectory))
        {
            if (!referenced.Contains(Path.GetFileName(blob)))
            {
                try { File.Delete(blob); } catch (IOException) { }
            }
        }
    }

    /// <summary>In memory mode, deletes the temp directory; in directory mode, deletes only the parts of unfinished uploads.</summary>
    public void Dispose()
    {
        if (!_persistent)
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return;
        }

        foreach (var upload in _uploads.Values)
        {
            foreach (var part in upload.Parts.Values)
            {
                if (part.Segment.Path is { } p)
                {
                    try { File.Delete(p); } catch (IOException) { }
                }
            }
        }

        _uploads.Clear();
    }
}

internal sealed class PersistedBlob
{
    public string Name { get; set; } = "";
    public long Length { get; set; }
}

internal sealed class PersistedObject
{
    public string Key { get; set; } = "";
    public string ETag { get; set; } = "";
    public ulong Crc64 { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public string ContentType { get; set; } = "application/octet-stream";
    public string ObjectType { get; set; } = "Normal";
    public string StorageClass { get; set; } = "Standard";
    public string Acl { get; set; } = "default";
    public Dictionary<string, string> Metadata { get; set; } = new();
    public string? CacheControl { get; set; }
    public string? ContentDisposition { get; set; }
    public string? ContentEncoding { get; set; }
    public string? Expires { get; set; }
    public string WrittenBy { get; set; } = "";
    public int PartCount { get; set; }
    public List<PersistedBlob> Blobs { get; set; } = [];
}
