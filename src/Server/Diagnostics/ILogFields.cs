namespace ActorGameServer.Server.Diagnostics;

/// <summary>
/// A log argument that reads as words in the text line (its <c>ToString</c>) but is several
/// fields in a JSON line, e.g. "client 7 from 10.0.0.5:5000 (tcp)" is <c>user_id</c>,
/// <c>remote</c> and <c>transport</c>. So a line keeps its text exactly while a log shipper can
/// query each part; <see cref="JsonLogFormatter"/> asks for the fields only when it writes one.
/// </summary>
public interface ILogFields
{
    /// <summary>Adds this value's fields, named in snake_case, with numbers as numbers.</summary>
    void AddFieldsTo(ICollection<KeyValuePair<string, object?>> fields);
}
