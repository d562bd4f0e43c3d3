using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hotline.Server.Security;

/// <summary>
/// The OpenAPI document describes enums as their names, as <see cref="StrictEnumConverter{T}"/> reads and writes them
/// (the generator cannot see through a custom converter and would otherwise describe them as "anything").
/// </summary>
public sealed class EnumSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n)).ToList();
        }
        return Task.CompletedTask;
    }
}
