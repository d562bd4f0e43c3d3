namespace Hotline.Server.Knowledge;

/// <summary>The article (or proposal, flag, policy) does not exist, or the reader may not see it: 404.</summary>
public sealed class KnowledgeNotFoundException(string what) : Exception($"{what} not found.");

/// <summary>The caller's role may not do this to the knowledge base or the policy library: 403.</summary>
public sealed class KnowledgeForbiddenException(string action) : Exception($"{action} is not allowed for this role.");
