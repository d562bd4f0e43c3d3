using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hotline.Server.Security;

/// <summary>
/// The OpenAPI document describes strings, enums and lists as <see cref="StrictJson"/> reads them: strings as strings,
/// enums as their names, lists as arrays of their items. The generator cannot see through a custom converter and would
/// otherwise describe them as "anything".
/// </summary>
public sealed class StrictJsonSchemas : IOpenApiSchemaTransformer
{
    public async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        var nullable = context.JsonPropertyInfo is { IsGetNullable: true } or { IsSetNullable: true };
        if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n)).ToList();
        }
        else if (type == typeof(string) && schema.Type is null)
        {
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }
        else if (schema.Type is null && NoNullItemsConverterFactory.ItemType(type) is { IsValueType: false } item)
        {
            // A list read by NoNullItemsConverter: still an array of its items.
            schema.Type = JsonSchemaType.Array;
            schema.Items = await context.GetOrCreateSchemaAsync(item, null, cancellationToken);
        }
    }
}
