"""The database operations, one implementation for every caller (the REST routes, the
assistant's tools and chat turn): `tasks` and `conversations`. Each acts for one user;
another user's row is not found."""
