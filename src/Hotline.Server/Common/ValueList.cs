using System.Collections;

namespace Hotline.Server.Common;

/// <summary>
/// A read-only list equal to any other with the same items in the same order, so a record that holds one keeps its value
/// equality. The desks' rows are such records, and MudTable keys each row by its item (<c>@key="item"</c>): with plain
/// lists inside, no row of a live reload equalled the one before, so every reload replaced every row's elements, and a
/// click pressed on a button while its row was replaced never fired (a lost sign-for while new tickets arrived).
/// </summary>
public sealed class ValueList<T>(IEnumerable<T> items) : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items = [.. items];

    public T this[int index] => items[index];

    public int Count => items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => items.GetEnumerator();

    public bool Equals(ValueList<T>? other) => other is not null && items.SequenceEqual(other.items);

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
            hash.Add(item);
        return hash.ToHashCode();
    }
}

public static class ValueListExtensions
{
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);
}
