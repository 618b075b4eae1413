using System.Text.Json.Nodes;
using Shouldly;

namespace OrthoScan.Api.Tests.Auth;

/// <summary>A string-keyed read kept for Tagging/ until its conversion to the contract records (see <see cref="Infrastructure.UntypedJson"/>).</summary>
public static class UntypedAuthFlows
{
    public static string Text(this JsonNode node, string property) =>
        node[property]?.GetValue<string>() ?? throw new ShouldAssertException($"'{property}' is missing from {node.ToJsonString()}");
}
