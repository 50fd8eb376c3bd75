using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorGameServer.Server.Actors;

/// <summary>
/// An unbounded mailbox that costs little while it is empty. Akka's default mailbox is a
/// <c>ConcurrentQueue</c>, which allocates a 32-slot segment (about 1 KB) up front and keeps it for
/// the actor's life; with two actors per connection (the client and Akka.IO's connection actor)
/// that was about 2 KB of every idle player's memory. This one is a plain queue under a lock: it
/// holds no array until the first message and a small one after that. The lock makes it wrong for
/// actors that many players send to at once, so hocon/server.hocon gives it only to the
/// per-connection actors: the ClientActors and Akka.IO's connection actors.
/// </summary>
public sealed class CompactMailbox : MailboxType, IProducesMessageQueue<CompactMessageQueue>
{
    public CompactMailbox(Settings settings, Config config)
        : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new CompactMessageQueue();
}

/// <summary>The queue of <see cref="CompactMailbox"/>: many senders, one reader (the actor).</summary>
public sealed class CompactMessageQueue : IMessageQueue, IUnboundedMessageQueueSemantics
{
    // After a burst the array is dropped once the queue is empty again, so a player who was sent
    // many messages once does not keep a large array while idle.
    private const int KeepCapacity = 16;

    private readonly Queue<Envelope> _queue = new();
    private volatile int _count;

    public bool HasMessages => _count > 0;

    public int Count => _count;

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
            _count = _queue.Count;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (_count == 0)
        {
            envelope = default;
            return false;
        }

        lock (_queue)
        {
            if (!_queue.TryDequeue(out envelope))
            {
                return false;
            }

            _count = _queue.Count;
            if (_count == 0 && _queue.Capacity > KeepCapacity)
            {
                _queue.TrimExcess();
            }

            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }
}
