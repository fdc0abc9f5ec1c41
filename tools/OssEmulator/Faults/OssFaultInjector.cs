namespace FunctionCompute.OssEmulator.Faults;

/// <summary>What a scripted fault does to the request it matches.</summary>
public enum OssFaultAction
{
    /// <summary>Answer with an OSS error document (<see cref="OssFault.StatusCode"/>, <see cref="OssFault.Code"/>) instead of processing.</summary>
    Error,

    /// <summary>Read the request body, then abort the connection without any response (a TCP reset).</summary>
    ResetConnection,

    /// <summary>Wait <see cref="OssFault.DelayMilliseconds"/>, then process normally.</summary>
    Delay,

    /// <summary>Process normally but report a wrong <c>x-oss-hash-crc64ecma</c>.</summary>
    CorruptCrc64,

    /// <summary>Answer 403 <c>RequestTimeTooSkewed</c> as if the server clock read <see cref="OssFault.ServerTime"/>.</summary>
    ClockSkew,
}

/// <summary>
/// One scripted fault: which requests it matches (all given criteria must hold) and what happens to them.
/// It applies to the next <see cref="Times"/> matching requests (0 or less: until cleared). Serializable for
/// <c>POST /_emulator/faults</c>.
/// </summary>
public sealed class OssFault
{
    private int _remaining = int.MinValue;
    private int _applied;

    public OssFaultAction Action { get; set; } = OssFaultAction.Error;

    /// <summary>HTTP method, e.g. <c>PUT</c>; null matches any.</summary>
    public string? Method { get; set; }

    /// <summary>Operation name (<c>PutObject</c>, <c>GetObject</c>, <c>HeadObject</c>, <c>DeleteObject</c>, <c>ListObjectsV2</c>,
    /// <c>InitiateMultipartUpload</c>, <c>UploadPart</c>, <c>CompleteMultipartUpload</c>, <c>AbortMultipartUpload</c>); null matches any.</summary>
    public string? Operation { get; set; }

    /// <summary>Bucket; null matches any.</summary>
    public string? Bucket { get; set; }

    /// <summary>Key glob (<c>*</c> any run, <c>?</c> one character); null matches any request, including bucket-level ones.</summary>
    public string? KeyPattern { get; set; }

    /// <summary>Number of matching requests affected; 0 or less means every one until cleared.</summary>
    public int Times { get; set; } = 1;

    /// <summary>Status of an <see cref="OssFaultAction.Error"/> answer.</summary>
    public int StatusCode { get; set; } = 503;

    /// <summary>Error code; defaults from the status (503 ServiceUnavailable, 500 InternalError…).</summary>
    public string? Code { get; set; }

    public string? Message { get; set; }

    /// <summary>Delay before acting (for any action).</summary>
    public int DelayMilliseconds { get; set; }

    /// <summary>Server time for <see cref="OssFaultAction.ClockSkew"/> (default: the server clock).</summary>
    public DateTimeOffset? ServerTime { get; set; }

    /// <summary>The CRC to report for <see cref="OssFaultAction.CorruptCrc64"/> (default: the real one with its low bit flipped).</summary>
    public ulong? Crc64 { get; set; }

    /// <summary>How many requests this fault has affected.</summary>
    public int Applied => Volatile.Read(ref _applied);

    internal bool TryConsume()
    {
        if (Volatile.Read(ref _remaining) == int.MinValue)
        {
            Interlocked.CompareExchange(ref _remaining, Times <= 0 ? int.MaxValue : Times, int.MinValue);
        }

        while (true)
        {
            var r = Volatile.Read(ref _remaining);
            if (r <= 0) return false;
            var next = r == int.MaxValue ? r : r - 1;
            if (Interlocked.CompareExchange(ref _remaining, next, r) == r)
            {
                Interlocked.Increment(ref _applied);
                return true;
            }
        }
    }

    internal bool IsExhausted => Volatile.Read(ref _remaining) is not int.MinValue and <= 0;

    internal bool Matches(string method, string operation, string? bucket, string? key) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && (Operation is null || string.Equals(Operation, operation, StringComparison.OrdinalIgnoreCase))
        && (Bucket is null || string.Equals(Bucket, bucket, StringComparison.Ordinal))
        && (KeyPattern is null || (key is not null && Glob(KeyPattern, key)));

    internal static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    public override string ToString() =>
        $"{Action} {Method ?? "*"} {Operation ?? "*"} {Bucket ?? "*"}/{KeyPattern ?? "*"} x{(Times <= 0 ? "∞" : Times)}";
}

/// <summary>A fault that was applied to a request.</summary>
public sealed record AppliedFault(OssFault Fault, string RequestId, string Method, string Operation, string? Bucket, string? Key);

/// <summary>
/// The queue of scripted faults. Each request takes the first pending fault that matches it (in the order
/// added); exhausted faults are dropped. Thread-safe.
/// </summary>
public sealed class OssFaultInjector
{
    private readonly List<OssFault> _faults = [];
    private readonly List<AppliedFault> _applied = [];

    /// <summary>Adds a fault to the end of the queue and returns it.</summary>
    public OssFault Add(OssFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.StatusCode is < 100 or > 599) throw new ArgumentException("StatusCode must be an HTTP status (100-599).");
        if (fault.DelayMilliseconds < 0) throw new ArgumentException("DelayMilliseconds cannot be negative.");
        lock (_faults) _faults.Add(fault);
        return fault;
    }

    /// <summary>Answers the next <paramref name="times"/> matching requests with an error (default 503 ServiceUnavailable).</summary>
    public OssFault FailNext(string? operation = null, string? keyPattern = null, int times = 1, int statusCode = 503, string? code = null, string? method = null) =>
        Add(new OssFault { Action = OssFaultAction.Error, Operation = operation, KeyPattern = keyPattern, Times = times, StatusCode = statusCode, Code = code, Method = method });

    /// <summary>Drops the connection of the next matching requests.</summary>
    public OssFault ResetNext(string? operation = null, string? keyPattern = null, int times = 1, string? method = null) =>
        Add(new OssFault { Action = OssFaultAction.ResetConnection, Operation = operation, KeyPattern = keyPattern, Times = times, Method = method });

    /// <summary>Delays the next matching requests, which then proceed normally.</summary>
    public OssFault DelayNext(TimeSpan delay, string? operation = null, string? keyPattern = null, int times = 1, string? method = null) =>
        Add(new OssFault { Action = OssFaultAction.Delay, DelayMilliseconds = (int)delay.TotalMilliseconds, Operation = operation, KeyPattern = keyPattern, Times = times, Method = method });

    /// <summary>Reports a wrong CRC-64 on the next matching requests.</summary>
    public OssFault CorruptCrc64Next(string? operation = null, string? keyPattern = null, int times = 1, ulong? crc64 = null, string? method = null) =>
        Add(new OssFault { Action = OssFaultAction.CorruptCrc64, Operation = operation, KeyPattern = keyPattern, Times = times, Crc64 = crc64, Method = method });

    /// <summary>Answers RequestTimeTooSkewed with <paramref name="serverTime"/> on the next matching requests.</summary>
    public OssFault SkewNext(DateTimeOffset serverTime, string? operation = null, string? keyPattern = null, int times = 1, string? method = null) =>
        Add(new OssFault { Action = OssFaultAction.ClockSkew, ServerTime = serverTime, Operation = operation, KeyPattern = keyPattern, Times = times, Method = method });

    /// <summary>Removes every pending fault.</summary>
    public void Clear()
    {
        lock (_faults) _faults.Clear();
    }

    /// <summary>Faults not yet exhausted, in queue order.</summary>
    public IReadOnlyList<OssFault> Pending
    {
        get { lock (_faults) return [.. _faults.Where(f => !f.IsExhausted)]; }
    }

    /// <summary>Every application of a fault so far.</summary>
    public IReadOnlyList<AppliedFault> Applied
    {
        get { lock (_applied) return [.. _applied]; }
    }

    internal OssFault? TryTake(string requestId, string method, string operation, string? bucket, string? key)
    {
        OssFault? taken = null;
        lock (_faults)
        {
            foreach (var f in _faults)
            {
                if (f.Matches(method, operation, bucket, key) && f.TryConsume())
                {
                    taken = f;
                    break;
                }
            }

            _faults.RemoveAll(f => f.IsExhausted);
        }

        if (taken is not null)
        {
            lock (_applied) _applied.Add(new AppliedFault(taken, requestId, method, operation, bucket, key));
        }

        return taken;
    }
}
