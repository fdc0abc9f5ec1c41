namespace FunctionCompute.Credentials;

/// <summary>A provider with a short name for error messages and diagnostics (<c>env</c>, <c>ecs_ram_role</c>, ...).</summary>
public interface INamedCredentialsProvider : ICredentialsProvider
{
    /// <summary>The provider's name, as the official SDKs name theirs.</summary>
    string ProviderName { get; }
}
