namespace Sfn.Check
{
    using System;
    using System.IO;
    using System.Linq;
    using System.Threading;
    using System.Threading.Tasks;
    using Newtonsoft.Json.Linq;
    using O = Sfn.Contracts.OrderService;
    using U = Sfn.Contracts.UserService;

    class UserHandlers : U.IUserServiceHandlers
    {
        public Task<U.CreateUserResponse> CreateUserAsync(U.CreateUserRequest request, CancellationToken cancellationToken)
        {
            return Task.FromResult(U.CreateUserResponse.FromJson("{\"userId\":\"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a\"}"));
        }
    }

    class OrderHandlers : O.IOrderServiceHandlers
    {
        public Task<O.ProcessOrderResponseV2> ProcessOrderAsync(O.ProcessOrderRequestV2 request, CancellationToken cancellationToken)
        {
            var res = O.ProcessOrderResponseV2.FromJson("{\"orderId\":\"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3b\",\"status\":\"paid\",\"total\":0,\"estimatedDelivery\":null}");
            res.Total = request.Lines.Sum(l => l.Quantity * l.UnitPrice);
            return Task.FromResult(res);
        }

        public Task<O.Order> GetOrderAsync(O.GetOrderRequest request, CancellationToken cancellationToken)
        {
            throw new O.FunctionError("NotFound", "ORDER_NOT_FOUND", "no such order");
        }
    }

    class Loop : U.IUserServiceTransport
    {
        public async Task<string> CallAsync(string service, string function, string parametersJson, CancellationToken cancellationToken)
        {
            var body = new JObject { { "function", function }, { "parameters", JToken.Parse(parametersJson) } };
            var reply = await new U.UserServiceDispatcher(new UserHandlers()).DispatchAsync(body.ToString());
            return JObject.Parse(reply)["result"].ToString(Newtonsoft.Json.Formatting.None);
        }
    }

    public static class DispatchCheck
    {
        public static void Run()
        {
            foreach (var s in JArray.Parse(File.ReadAllText("__SCENARIOS__")))
            {
                var body = s["body"].ToString(Newtonsoft.Json.Formatting.None);
                var reply = s["service"].Value<string>() == "UserService"
                    ? new U.UserServiceDispatcher(new UserHandlers()).DispatchAsync(body).GetAwaiter().GetResult()
                    : new O.OrderServiceDispatcher(new OrderHandlers()).DispatchAsync(body).GetAwaiter().GetResult();
                File.WriteAllText("__OUT__/csharp-newtonsoft.dispatch." + s["id"].Value<string>() + ".json", reply);
            }
            var client = new U.UserServiceClient(new Loop());
            var res = client.CreateUserAsync(U.CreateUserRequest.FromJson("{\"email\":\"ann@example.com\",\"name\":\"Ann\"}")).GetAwaiter().GetResult();
            File.WriteAllText("__OUT__/csharp-newtonsoft.client.json", U.Serialize.ToJson(res));
        }
    }
}
