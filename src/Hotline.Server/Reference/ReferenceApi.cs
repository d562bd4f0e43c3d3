using Hotline.Server.Access;

namespace Hotline.Server.Reference;

public static class ReferenceApi
{
    public static RouteGroupBuilder MapReference(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/reference").WithTags("Reference data").RequireAuthorization(Policies.Staff);
        group.MapGet("/departments", (ReferenceData data) => TypedResults.Ok(data.Departments.Values.OrderBy(d => d.Code)));
        group.MapGet("/districts", (ReferenceData data) => TypedResults.Ok(data.Districts.Values.OrderBy(d => d.Code)));
        group.MapGet("/categories", (ReferenceData data) => TypedResults.Ok(data.CategoriesInOrder));
        return group;
    }
}
