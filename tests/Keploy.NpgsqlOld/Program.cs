using Keploy.NpgsqlOld;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Keploy.NpgsqlOld <connection string>");
    return 2;
}

foreach (string line in await NpgsqlWorkload.RunAsync(args[0]))
{
    Console.WriteLine(line);
}

Console.WriteLine("npgsql " + typeof(Npgsql.NpgsqlConnection).Assembly.GetName().Version);
return 0;
