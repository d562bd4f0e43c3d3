// The small shared place every feature folder may use (the city's clock and time formatting, scoped calls); it uses no feature folder itself.
global using Hotline.Server.Common;
