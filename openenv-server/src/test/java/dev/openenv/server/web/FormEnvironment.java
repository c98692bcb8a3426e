package dev.openenv.server.web;

import dev.openenv.core.ResetRequest;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.openenv.core.Action;
import dev.openenv.core.BasicState;
import dev.openenv.core.Default;
import dev.openenv.core.Environment;
import dev.openenv.core.StepResult;
import java.util.List;
import java.util.Map;

/** An environment whose action uses every kind of field the web form generates; it answers with what it got. */
final class FormEnvironment implements Environment<FormEnvironment.Order, FormEnvironment.Receipt, BasicState> {
    enum Size { SMALL, MEDIUM, LARGE }

    record Address(String street, int number) {}

    record Order(
            @JsonPropertyDescription("Who the order is for") String customer,
            int quantity,
            Size size,
            @Default("false") boolean express,
            List<String> toppings,
            Address address,
            @Default("null") Double tip) implements Action {}

    record Receipt(String customer, int quantity, Size size, boolean express, List<String> toppings, Address address, Double tip) {}

    private int steps;

    @Override
    public StepResult<Receipt> reset(ResetRequest request) {
        steps = 0;
        return StepResult.of(new Receipt("", 0, Size.SMALL, false, List.of(), new Address("", 0), null), 0.0);
    }

    @Override
    public StepResult<Receipt> step(Order o) {
        steps++;
        return StepResult.of(new Receipt(o.customer(), o.quantity(), o.size(), o.express(), o.toppings(), o.address(), o.tip()),
                (double) o.quantity());
    }

    @Override
    public BasicState state() {
        return new BasicState("form", steps);
    }
}
