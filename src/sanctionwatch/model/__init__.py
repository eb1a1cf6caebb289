"""The ground floor every layer shares: the entity model and the Arrow schemas.

``entity`` is the one FollowTheMoney-shaped model of list records; ``ais`` the one
schema of AIS positions and static observations; ``events`` the one schema of
behaviour events. They import nothing of the package but each other, so the
store, the domain packages and the edges can all speak them.
"""
